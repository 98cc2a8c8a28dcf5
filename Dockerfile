# cachebust's own image: the binary and its man page on a slim base, run as a non-root user in /src.
#
#   docker build -t cachebust .
#   docker run --rm -v "$PWD:/src" cachebust check
#   docker run --rm -i cachebust check - --stdin-filename Dockerfile < Dockerfile
#
# The base images are build args with public defaults. BINARY_FROM=prebuilt skips the Rust build and
# takes target/release/cachebust from the context instead (a CI that built it already, or an offline
# engine with no rust image: tests/e2e/run.sh builds it so, with every base set to `local/base`).
ARG BUILDER_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim
ARG BINARY_FROM=build

FROM ${BUILDER_IMAGE} AS build
WORKDIR /build
COPY . .
RUN cargo build --release --locked \
    && mkdir /out \
    && cp target/release/cachebust python/cachebust.data/data/share/man/man1/cachebust.1 /out/

FROM scratch AS prebuilt
COPY target/release/cachebust python/cachebust.data/data/share/man/man1/cachebust.1 /out/

# The stage the final image takes its files from: `build` or `prebuilt`.
FROM ${BINARY_FROM} AS binary

FROM ${RUNTIME_IMAGE}
COPY --from=binary /out/cachebust /usr/local/bin/cachebust
COPY --from=binary /out/cachebust.1 /usr/local/share/man/man1/cachebust.1
WORKDIR /src
# A numeric user needs no `useradd` in the base. Files under a mounted /src only need to be readable;
# for `--fix`, run with `--user "$(id -u):$(id -g)"` so the fixed files keep their owner.
USER 65532:65532
ENTRYPOINT ["cachebust"]
CMD ["check"]
