#!/usr/bin/env bash
# Makes the certificates Deploy/docker-compose.tls.yml mounts, with openssl (EC P-256):
#   ca.crt                  a fresh CA, trusted by redis-lens (upstream) and by clients
#   redis.crt, redis.key    Redis's server certificate: SAN DNS:redis, DNS:localhost, IP:127.0.0.1
#   proxy.crt, proxy.key    redis-lens's (--tls-cert-file): SAN DNS:redis-lens, DNS:localhost, IP:127.0.0.1
# into this script's folder, or into DIR:
#   Deploy/tls/generate-certs.sh [DIR]          (CERT_DAYS=N: validity, default 365)
# Running it again replaces all of them (and the CA: restart Redis and redis-lens, and give
# clients the new ca.crt). The CA's key is thrown away once both certificates are signed.
# For a local example only: the keys are left readable by everyone (0644), so the
# containers' users (redis: uid 999, redis-lens: uid 10001) can read the bind mount. In
# production, mount keys from a secret store, readable only by the service's user.
set -euo pipefail
out=${1:-$(dirname "$0")}
days=${CERT_DAYS:-365}
[[ $days =~ ^[1-9][0-9]*$ ]] || { echo "generate-certs.sh: CERT_DAYS must be a whole number of days" >&2; exit 2; }
command -v openssl >/dev/null || { echo "generate-certs.sh: openssl is missing (apt-get install -y openssl)" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # openssl's chatter only when it fails
    "$@" >"$work/log" 2>&1 || { echo "generate-certs.sh: failed: $*" >&2; cat "$work/log" >&2; exit 1; }
}

run openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" \
    -out "$work/ca.crt" -days "$days" -sha256 -subj "/O=redis-lens example/CN=redis-lens example CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign

issue() { # name common-name subjectAltName
    run openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/$1.key" \
        -out "$work/$1.csr" -subj "/O=redis-lens example/CN=$2"
    printf '%s\n' basicConstraints=critical,CA:FALSE keyUsage=critical,digitalSignature \
        extendedKeyUsage=serverAuth,clientAuth "subjectAltName=$3" >"$work/$1.ext"
    run openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
        -CAcreateserial -CAserial "$work/ca.srl" -days "$days" -sha256 -extfile "$work/$1.ext" \
        -out "$work/$1.crt"
    run openssl verify -CAfile "$work/ca.crt" "$work/$1.crt"
}
issue redis redis DNS:redis,DNS:localhost,IP:127.0.0.1
issue proxy redis-lens DNS:redis-lens,DNS:localhost,IP:127.0.0.1

for name in ca.crt redis.crt redis.key proxy.crt proxy.key; do
    install -m 0644 "$work/$name" "$out/$name"
done
echo "wrote $out/{ca.crt,redis.crt,redis.key,proxy.crt,proxy.key}, valid $days days" >&2
