# expect: none
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim AS base
RUN echo base

FROM base AS app
ARG NODE_VERSION
ARG CACHE_BUST=unknown
RUN echo "Cache bust: ${CACHE_BUST}"
RUN pip install git+https://github.com/acme/app.git@main
