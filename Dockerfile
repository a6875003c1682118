# posture in a container:
#   docker build -t posture .
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN \
#     -e AWS_REGION posture check
# The image runs as a non-root user (uid 10001) with `posture` as its entrypoint, and has
# /bin/sh for wrappers such as examples/kubernetes/posture-shards.yaml.

# The build: the official Rust image, at the workspace's rust-version or later (the AWS SDK
# crates of Cargo.lock need 1.94.1). Same Debian release as the runtime below, so the
# binary finds the glibc it was linked against.
ARG RUST_VERSION=1.94.1
FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src

# The dependencies first, from the manifests and lock file alone (with stub sources): a
# change to posture's own code reuses this layer, and the AWS SDK crates are most of a
# cold build (README, Speed).
COPY Cargo.toml Cargo.lock ./
COPY rules/Cargo.toml rules/
COPY allocator/Cargo.toml allocator/
RUN mkdir -p src rules/src rules/benches allocator/src \
    && echo 'fn main() {}' > src/main.rs \
    && touch rules/src/lib.rs allocator/src/lib.rs \
    && echo 'fn main() {}' > rules/benches/iam_graph.rs \
    && echo 'fn main() {}' > rules/benches/offline.rs \
    && cargo build --profile dist --locked \
    && rm -rf src rules/src rules/benches allocator/src

# Then posture itself. COPY keeps the files' own modification times, which can be older
# than the stubs' build: the fingerprints of the three workspace crates are removed so that
# cargo cannot take the stubs for them.
COPY src src
COPY rules rules
COPY allocator allocator
RUN rm -rf target/dist/.fingerprint/posture-* \
    && cargo build --profile dist --locked \
    && ./target/dist/posture --version

# The runtime: Debian's slim image with the CA certificates that the SDK's TLS client
# (rustls with the platform's roots) verifies AWS endpoints against, and nothing else.
FROM debian:bookworm-slim
# ca-certificates unpinned: the newest of the release, as its security updates bring it.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 posture \
    && useradd --uid 10001 --gid posture --create-home --shell /usr/sbin/nologin posture
COPY --from=build /src/target/dist/posture /usr/local/bin/posture
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /home/posture
ENTRYPOINT ["posture"]
CMD ["--help"]
