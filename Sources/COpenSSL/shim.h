// OpenSSL 3 (Debian libssl-dev, what redis-server itself links), used by Sources/TLS.
// Swift cannot call OpenSSL's function-like macros or its generated stack accessors, so the
// few the proxy needs are wrapped here as inline functions.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

/// Encrypted private keys are not supported: OpenSSL would otherwise ask for the passphrase on
/// the terminal (and block a reload). Loading such a key fails instead.
static inline int lens_no_passphrase(char *buffer, int size, int rwflag, void *userdata) {
    (void)buffer;
    (void)size;
    (void)rwflag;
    (void)userdata;
    return 0;
}

/// The options every context of the proxy uses: no renegotiation, no compression, a peer's EOF
/// without close_notify read as an ordinary end of stream; as a server, its cipher preference.
/// Read-ahead: a read takes what the socket has (up to the record buffer), not a record's
/// header and then its body, so a batch of records costs one `read(2)` instead of two each.
static inline void lens_ssl_ctx_set_options(SSL_CTX *ctx, int server) {
    uint64_t options = SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF;
    if (server) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
    SSL_CTX_set_options(ctx, options);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_default_passwd_cb(ctx, lens_no_passphrase);
}

static inline long lens_ssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }

static inline int lens_ssl_ctx_set_min_proto(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int lens_ssl_ctx_set_max_proto(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

static inline int lens_ssl_set_sni(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }

/// The peer's leaf certificate (not owned): the verified one, else, on the client side, the
/// one the server sent when verifying it failed. A server keeps no certificate a client sent
/// that failed verification, and the chain a server holds leaves the client's own certificate
/// out (it starts with its issuer, when the client sent that), so only a client reads the chain.
static inline X509 *lens_ssl_peer_leaf(const SSL *ssl) {
    X509 *verified = SSL_get0_peer_certificate(ssl);
    if (verified != NULL) return verified;
    if (SSL_is_server(ssl)) return NULL;
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    if (chain == NULL || sk_X509_num(chain) == 0) return NULL;
    return sk_X509_value(chain, 0);
}

/// The certificate's subject as RFC 2253 text, written to `out` (NUL-terminated); its length.
static inline int lens_x509_subject(X509 *cert, char *out, int capacity) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL || capacity <= 0) return 0;
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    int length = BIO_read(bio, out, capacity - 1);
    if (length < 0) length = 0;
    out[length] = 0;
    BIO_free(bio);
    return length;
}

/// The certificate's notAfter as Unix seconds; 0 when it cannot be read.
static inline long long lens_x509_not_after(X509 *cert) {
    struct tm when;
    memset(&when, 0, sizeof when);
    const ASN1_TIME *time = X509_get0_notAfter(cert);
    if (time == NULL || ASN1_TIME_to_tm(time, &when) != 1) return 0;
    return (long long)timegm(&when);
}

/// The certificate's DNS and IP subject alternative names, comma-separated, written to
/// `out` (NUL-terminated); its length. Falls back to the common name when there are none.
static inline int lens_x509_names(X509 *cert, char *out, int capacity) {
    if (capacity <= 0) return 0;
    int length = 0;
    out[0] = 0;
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    if (names != NULL) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
            const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
            char text[64];
            text[0] = 0;
            if (name->type == GEN_DNS) {
                const ASN1_IA5STRING *dns = name->d.dNSName;
                int n = dns->length < 63 ? dns->length : 63;
                memcpy(text, dns->data, (size_t)n);
                text[n] = 0;
            } else if (name->type == GEN_IPADD && name->d.iPAddress->length == 4) {
                const unsigned char *ip = name->d.iPAddress->data;
                snprintf(text, sizeof text, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
            } else {
                continue;
            }
            int needed = (int)strlen(text) + (length > 0 ? 2 : 0);
            if (length + needed >= capacity) break;
            length += snprintf(out + length, (size_t)(capacity - length), "%s%s", length > 0 ? ", " : "", text);
        }
        GENERAL_NAMES_free(names);
    }
    if (length == 0) {
        int found = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, out, capacity);
        length = found > 0 ? found : 0;
        out[length] = 0;
    }
    return length;
}

/// Records, in the int `BIO_get_callback_arg` points to, whether the socket's last read left it
/// empty: 1 after a short read (fewer bytes than asked for) or a failed one (EAGAIN, EOF), 0
/// after a read that filled what was asked. An edge-triggered reader may stop once the
/// socket is empty and OpenSSL holds nothing, without a last read that fails with EAGAIN.
static inline long lens_bio_read_tracker(BIO *bio, int oper, const char *argp, size_t len, int argi, long argl,
                                         int ret, size_t *processed) {
    (void)argp;
    (void)argi;
    (void)argl;
    if (oper == (BIO_CB_READ | BIO_CB_RETURN)) {
        int *drained = (int *)BIO_get_callback_arg(bio);
        if (drained != NULL) *drained = (ret > 0 && processed != NULL && *processed >= len) ? 0 : 1;
    }
    return ret;
}

/// Tracks the socket reads of `ssl`'s read BIO into `*drained` (see lens_bio_read_tracker).
static inline void lens_ssl_track_reads(SSL *ssl, int *drained) {
    BIO *bio = SSL_get_rbio(ssl);
    if (bio == NULL) return;
    BIO_set_callback_arg(bio, (char *)drained);
    BIO_set_callback_ex(bio, lens_bio_read_tracker);
}

/// Whether the socket was empty after OpenSSL's last read of it and OpenSSL holds no
/// buffered bytes (decrypted or not): reading on would only find EAGAIN.
static inline int lens_ssl_input_drained(const SSL *ssl, const int *drained) {
    return *drained == 1 && SSL_pending(ssl) == 0 && SSL_has_pending(ssl) == 0;
}

