# expect: none
FROM python:3.12-slim
ARG CACHEBUST=unknown
RUN echo "Cache bust: ${CACHEBUST}"
RUN pip install git+https://github.com/acme/web.git@main
