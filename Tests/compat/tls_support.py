"""TLS material for the tests: a small PKI made with the `openssl` CLI at run time (nothing
secret is ever committed), and the client-side settings that use it: Python `ssl` contexts,
redis-py keyword arguments and redis-cli flags.

`TLSCertificates.generate(directory)` writes, all with EC P-256 keys:

| name            | issuer   | subject / SAN                                        | validity               |
| --------------- | -------- | ---------------------------------------------------- | ---------------------- |
| `ca`            | itself   | CN=redis-lens test CA                                | now + 10 years         |
| `other-ca`      | itself   | CN=redis-lens other CA (trusted by nobody)           | now + 10 years         |
| `server`        | ca       | CN=localhost,O=redis-lens test; localhost, 127.0.0.1 | now + 825 days         |
| `rotated`       | ca       | CN=localhost-rotated,O=...; localhost, 127.0.0.1     | now + 800 days         |
| `client`        | ca       | CN=redis-lens test client (clientAuth)               | now + 825 days         |
| `expired`       | ca       | CN=localhost,O=...; localhost, 127.0.0.1             | 2020-01-01..2020-01-02 |
| `not-yet-valid` | ca       | CN=localhost,O=...; localhost, 127.0.0.1             | 2099-01-01..2100-01-01 |
| `wrong-host`    | ca       | CN=wrong.example,O=...; DNS:wrong.example only       | now + 825 days         |
| `other-server`  | other-ca | CN=localhost,O=...; localhost, 127.0.0.1             | now + 825 days         |
| `other-client`  | other-ca | CN=redis-lens other client (clientAuth)              | now + 825 days         |

each as `NAME.crt` and `NAME.key` (PEM, the key unencrypted PKCS#8). OpenSSL 3.0's `x509` and
`req` cannot back-date a certificate, so the two certificates outside their validity come from
`openssl ca` with `-startdate`/`-enddate` and a throwaway CA database.
"""

import os
import ssl
import subprocess
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"

ORGANIZATION = "redis-lens test"

_CONFIG = """\
# Written by tls_support.py; used only while the test certificates are made.
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[ca_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1

[wrong_host_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example

[client_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# `openssl ca`, for certificates with chosen validity dates.
[ca]
default_ca = test_ca
[test_ca]
database = {directory}/ca-db/index.txt
new_certs_dir = {directory}/ca-db
serial = {directory}/ca-db/serial
certificate = {directory}/ca.crt
private_key = {directory}/ca.key
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
email_in_dn = no
[any_name]
commonName = supplied
organizationName = optional
"""

_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc"]


def _subject(common_name, organization=ORGANIZATION):
    # Written most significant first; RFC 2253 text lists it the other way round:
    # "CN=localhost,O=redis-lens test".
    return (f"/O={organization}" if organization else "") + f"/CN={common_name}"


# (name, issuer, subject, extensions section, validity): validity is days from now, or a
# (notBefore, notAfter) pair for `openssl ca`.
_LEAVES = [
    ("server", "ca", _subject("localhost"), "server_ext", 825),
    ("rotated", "ca", _subject("localhost-rotated"), "server_ext", 800),
    ("client", "ca", _subject("redis-lens test client"), "client_ext", 825),
    ("expired", "ca", _subject("localhost"), "server_ext", ("20200101000000Z", "20200102000000Z")),
    ("not-yet-valid", "ca", _subject("localhost"), "server_ext", ("20990101000000Z", "21000101000000Z")),
    ("wrong-host", "ca", _subject("wrong.example"), "wrong_host_ext", 825),
    ("other-server", "other-ca", _subject("localhost"), "server_ext", 825),
    ("other-client", "other-ca", _subject("redis-lens other client"), "client_ext", 825),
]


def _openssl(*args, cwd=None):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=30,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed ({result.returncode}): "
                             f"{result.stderr.decode(errors='replace')}")
    return result.stdout.decode()


class TLSCertificates:
    """The test PKI in one directory (see the module's table); `generate` makes it."""

    NAMES = ["ca", "other-ca"] + [leaf[0] for leaf in _LEAVES]

    def __init__(self, directory):
        self.directory = str(directory)

    @classmethod
    def generate(cls, directory):
        """Writes every certificate and key into `directory` (which must exist); about 0.2 s."""
        certs = cls(directory)
        config = os.path.join(certs.directory, "openssl.cnf")
        with open(config, "w") as f:
            f.write(_CONFIG.format(directory=certs.directory))
        os.makedirs(os.path.join(certs.directory, "ca-db"), exist_ok=True)
        open(os.path.join(certs.directory, "ca-db", "index.txt"), "w").close()
        with open(os.path.join(certs.directory, "ca-db", "serial"), "w") as f:
            f.write("1000\n")
        for name, common_name in (("ca", "redis-lens test CA"), ("other-ca", "redis-lens other CA")):
            _openssl("req", "-config", config, "-x509", *_KEY, "-keyout", certs.key(name), "-out", certs.cert(name),
                     "-subj", _subject(common_name, organization=None), "-days", "3650", "-extensions", "ca_ext")
        for name, issuer, subject, section, validity in _LEAVES:
            if isinstance(validity, int):
                _openssl("req", "-config", config, "-x509", *_KEY, "-keyout", certs.key(name), "-out", certs.cert(name),
                         "-subj", subject, "-days", str(validity), "-extensions", section,
                         "-CA", certs.cert(issuer), "-CAkey", certs.key(issuer))
            else:
                assert issuer == "ca", "openssl ca is configured for the test CA only"
                request = os.path.join(certs.directory, f"{name}.csr")
                _openssl("req", "-config", config, "-new", *_KEY, "-keyout", certs.key(name), "-out", request,
                         "-subj", subject)
                not_before, not_after = validity
                _openssl("ca", "-config", config, "-batch", "-notext", "-preserveDN",
                         "-extensions", section, "-startdate", not_before, "-enddate", not_after,
                         "-in", request, "-out", certs.cert(name))
        return certs

    # -- paths

    def cert(self, name):
        """Path of certificate `name` (PEM)."""
        return os.path.join(self.directory, f"{name}.crt")

    def key(self, name):
        """Path of the private key of `name` (PEM, unencrypted)."""
        return os.path.join(self.directory, f"{name}.key")

    @property
    def ca(self):
        """The CA every valid certificate here is signed by."""
        return self.cert("ca")

    @property
    def other_ca(self):
        """A CA that signed only `other-server` and `other-client`."""
        return self.cert("other-ca")

    # -- facts about a certificate, as openssl reads them

    def subject(self, name):
        """The subject of certificate `name` as RFC 2253 text, e.g. "CN=localhost,O=redis-lens test"."""
        text = _openssl("x509", "-in", self.cert(name), "-noout", "-subject", "-nameopt", "RFC2253").strip()
        assert text.startswith("subject="), text
        return text[len("subject="):]

    def not_after(self, name):
        """The notAfter of certificate `name` in Unix seconds."""
        text = _openssl("x509", "-in", self.cert(name), "-noout", "-enddate").strip()
        assert text.startswith("notAfter="), text
        return ssl.cert_time_to_seconds(text[len("notAfter="):])

    # -- who connects with what

    def client(self, cert="client", ca="ca", verify=True, **kwargs):
        """`ClientTLS` trusting `ca` and presenting certificate `cert` (None: none)."""
        return ClientTLS(ca=self.cert(ca) if ca else None,
                         cert=self.cert(cert) if cert else None,
                         key=self.key(cert) if cert else None,
                         verify=verify, **kwargs)


@dataclass(frozen=True)
class ClientTLS:
    """How a test client speaks TLS: the CA it trusts, the certificate it presents (optional),
    whether it verifies the server (certificate chain and the name `server_hostname`), and
    optionally the highest protocol version it offers."""

    ca: str | None
    cert: str | None = None
    key: str | None = None
    verify: bool = True
    server_hostname: str = LOOPBACK
    maximum_version: ssl.TLSVersion | None = None

    def context(self):
        """A fresh `ssl.SSLContext` for these settings."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self.verify:
            context.load_verify_locations(cafile=self.ca)
        else:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.cert:
            context.load_cert_chain(self.cert, self.key)
        if self.maximum_version is not None:
            context.maximum_version = self.maximum_version
        return context

    def wrap(self, sock):
        """`sock` (connected) after a TLS handshake; raises ssl.SSLError when it fails."""
        return self.context().wrap_socket(sock, server_hostname=self.server_hostname)

    def redis_kwargs(self):
        """Keyword arguments for `redis.Redis` (redis-py 5) with these settings."""
        kwargs = {"ssl": True, "ssl_ca_certs": self.ca, "ssl_certfile": self.cert, "ssl_keyfile": self.key}
        if self.verify:
            kwargs.update(ssl_cert_reqs="required", ssl_check_hostname=True)
        else:
            kwargs.update(ssl_cert_reqs="none", ssl_check_hostname=False)
        if self.maximum_version is not None:
            raise AssertionError("redis-py takes no maximum TLS version; use a RawClient")
        return kwargs

    def cli_args(self):
        """redis-cli flags for these settings."""
        args = ["--tls"]
        if self.verify:
            args += ["--cacert", self.ca]
        else:
            args += ["--insecure"]
        if self.cert:
            args += ["--cert", self.cert, "--key", self.key]
        return args


@dataclass(frozen=True)
class RedisTLS:
    """How a test redis-server speaks TLS (its `tls-*` settings).

    The server listens with TLS on its `port`, and in plaintext too (on `plain_port`) only with
    `plain`. It presents certificate `cert`, trusts `ca` for client certificates, and asks for
    them as `auth_clients` says (Redis's own default is "yes").
    """

    certs: "TLSCertificates"
    cert: str = "server"
    ca: str = "ca"
    auth_clients: str = "no"
    plain: bool = False
    extra: tuple = field(default=())

    def server_args(self, tls_port, plain_port=None):
        """redis-server arguments for listening on `tls_port` (and `plain_port`, or no plain port)."""
        return ["--port", str(plain_port if self.plain else 0), "--tls-port", str(tls_port),
                "--tls-cert-file", self.certs.cert(self.cert), "--tls-key-file", self.certs.key(self.cert),
                "--tls-ca-cert-file", self.certs.cert(self.ca), "--tls-auth-clients", self.auth_clients,
                *self.extra]

    def client(self, verify=True):
        """How a test connects to this server directly: trusting `ca` and presenting the
        `client` certificate (which every `auth_clients` setting accepts)."""
        return self.certs.client(cert="client", ca=self.ca, verify=verify)


@dataclass(frozen=True)
class LensTLS:
    """The proxy's TLS listener in a test: the flags it gets, and how clients connect to it.

    `cert_file`/`key_file` default to the `server` certificate, `ca_file` (client certificates)
    to the test CA; `auth_clients` None leaves --tls-auth-clients out (the proxy's default,
    "yes"). With `plain` False the plaintext port is turned off (`--listen none`).
    """

    certs: "TLSCertificates"
    auth_clients: str | None = "no"
    cert_file: str | None = None
    key_file: str | None = None
    ca_file: str | None = None
    plain: bool = True
    extra: tuple = field(default=())

    def args(self):
        """The proxy's TLS flags (without --tls-listen, which the launcher adds)."""
        args = ["--tls-cert-file", self.cert_file or self.certs.cert("server"),
                "--tls-key-file", self.key_file or self.certs.key("server"),
                "--tls-ca-cert-file", self.ca_file or self.certs.ca]
        if self.auth_clients is not None:
            args += ["--tls-auth-clients", self.auth_clients]
        return args + list(self.extra)

    def client(self, cert="client", **kwargs):
        """How a test client connects to the proxy's TLS port (by default with a client
        certificate, which every --tls-auth-clients setting accepts)."""
        return self.certs.client(cert=cert, **kwargs)


def upstream_tls_args(certs, ca="ca", server_name=None):
    """The proxy's flags for verifying Redis's certificate against `ca`."""
    args = ["--upstream-tls-ca-cert-file", certs.cert(ca)]
    if server_name is not None:
        args += ["--upstream-tls-server-name", server_name]
    return args
