# Build: the bundled SQLite and libpq (with vendored OpenSSL) need only a C toolchain and perl.
FROM rust:1.95-bookworm AS build
WORKDIR /src
# The whole tree (less .dockerignore): the manifest names test and bench targets, and
# .cargo/config.toml carries the bundled SQLite's build options.
COPY . .
RUN cargo build --release --locked --bin ttdt

# Run: the binary links only libc, libm and libgcc_s.
FROM debian:bookworm-slim
RUN useradd --system --home /data ttdt && mkdir -p /data && chown ttdt /data
COPY --from=build /src/target/release/ttdt /usr/local/bin/ttdt
USER ttdt
WORKDIR /data
ENV TTDT_BIND=0.0.0.0:8080 TTDT_DATA_DIR=/data TTDT_DATABASE_URL=sqlite:///data/ttdt.db
EXPOSE 8080
CMD ["ttdt", "serve"]
