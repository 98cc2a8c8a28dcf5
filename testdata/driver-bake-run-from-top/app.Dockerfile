# expect: CB004
# `ci/docker-bake.hcl` names `app.Dockerfile`: bake resolves it against the directory it runs in (the
# top), not against `ci/`, so this file is the one it builds and the bake never passes its bust.
FROM python:3.12-slim
ARG CACHE_BUST=unknown
RUN echo "Cache bust: ${CACHE_BUST}"
RUN pip install "git+https://github.com/acme/toolkit.git@main"
