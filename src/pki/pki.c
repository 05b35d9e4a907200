/* Test PKI for DDS Security with OpenSSL 3 (libcrypto), formats of OMG DDS Security 1.1.
 * What Cyclone DDS 0.10.2 accepts (see shared notes): EC P-256 keys, subject names compared in
 * RFC 2253 form, documents S/MIME-signed in text mode with the signer certificate embedded, and
 * validity back-dated so small clock skew does not break a join. */
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "trilink/pki.h"

#define VALID_DAYS 3650L
#define BACKDATE_S 86400L

static int fail(struct tl_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct tl_diag *d, const char *fmt, ...)
{
    if (d != NULL) {
        va_list ap;
        unsigned long e = ERR_peek_last_error();
        int n;
        va_start(ap, fmt);
        n = vsnprintf(d->message, sizeof d->message, fmt, ap);
        va_end(ap);
        if (e != 0 && n > 0 && (size_t)n < sizeof d->message)
            snprintf(d->message + n, sizeof d->message - (size_t)n, " (OpenSSL: %s)",
                     ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?");
    }
    ERR_clear_error();
    return TL_EIO;
}

static int mkdir_p(const char *path)
{
    char buf[1024];
    size_t n = strlen(path);

    if (n >= sizeof buf)
        return -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++)
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    return 0;
}

static EVP_PKEY *gen_key(void)
{
    return EVP_EC_gen("P-256");
}

static int add_ext(X509 *issuer, X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ex;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ex == NULL)
        return -1;
    X509_add_ext(x, ex, -1);
    X509_EXTENSION_free(ex);
    return 0;
}

/* A certificate for @p key with subject O=trilink[,OU=ou],CN=cn, signed by (ca, ca_key) or
 * self-signed when ca is NULL. */
static X509 *make_cert(EVP_PKEY *key, const char *ou, const char *cn, X509 *ca, EVP_PKEY *ca_key,
                       int is_ca, long serial)
{
    X509 *x = X509_new();
    X509_NAME *name;

    if (x == NULL)
        return NULL;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -BACKDATE_S);
    X509_gmtime_adj(X509_getm_notAfter(x), VALID_DAYS * 86400L);
    X509_set_pubkey(x, key);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"trilink", -1, -1, 0);
    if (ou != NULL)
        X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC, (const unsigned char *)ou, -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : name);
    if (add_ext(ca ? ca : x, x, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE") ||
        add_ext(ca ? ca : x, x, NID_key_usage,
                is_ca ? "critical,digitalSignature,keyCertSign,cRLSign" : "critical,digitalSignature,keyAgreement") ||
        add_ext(ca ? ca : x, x, NID_subject_key_identifier, "hash") ||
        X509_sign(x, ca_key ? ca_key : key, EVP_sha256()) == 0) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static int write_cert(const char *path, X509 *x)
{
    FILE *f = fopen(path, "w");
    int ok = f != NULL && PEM_write_X509(f, x) == 1;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static int write_key(const char *path, EVP_PKEY *k)
{
    FILE *f = fopen(path, "w");
    int ok;

    if (f == NULL)
        return -1;
    chmod(path, 0600);
    ok = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int ok = f != NULL && fputs(text, f) >= 0;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* S/MIME clear signature, as `openssl smime -sign -text` makes it (Cyclone needs the text mode
 * headers), with the signer certificate embedded. */
static int smime_sign(const char *path, const char *text, X509 *signer, EVP_PKEY *key)
{
    const int flags = PKCS7_DETACHED | PKCS7_STREAM | PKCS7_TEXT;
    BIO *in = BIO_new_mem_buf(text, -1), *out = BIO_new_file(path, "w");
    PKCS7 *p7 = NULL;
    int ok = 0;

    if (in != NULL && out != NULL && (p7 = PKCS7_sign(signer, key, NULL, in, flags)) != NULL)
        ok = SMIME_write_PKCS7(out, p7, in, flags) == 1;
    PKCS7_free(p7);
    BIO_free(in);
    if (out != NULL && BIO_free(out) != 1)
        ok = 0;
    return ok ? 0 : -1;
}

static void subject_rfc2253(X509 *x, char *buf, size_t size)
{
    BIO *b = BIO_new(BIO_s_mem());
    long n;
    char *p;

    buf[0] = '\0';
    if (b == NULL)
        return;
    X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
    n = BIO_get_mem_data(b, &p);
    if (n > 0 && (size_t)n < size) {
        memcpy(buf, p, (size_t)n);
        buf[n] = '\0';
    }
    BIO_free(b);
}

static const char xml_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<dds xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "     xsi:noNamespaceSchemaLocation=\"http://www.omg.org/spec/DDS-SECURITY/20170901/";

/* Everything protected: discovery, liveliness, the whole RTPS message, and each topic's data
 * and metadata encrypted; no unauthenticated participant; join access control on. Identical on
 * every node (Cyclone drops traffic between nodes whose governance differs). */
static void governance_xml(char *buf, size_t size)
{
    snprintf(buf, size,
             "%somg_shared_ca_governance.xsd\">\n"
             "  <domain_access_rules>\n"
             "    <domain_rule>\n"
             "      <domains><id_range><min>0</min><max>230</max></id_range></domains>\n"
             "      <allow_unauthenticated_participants>false</allow_unauthenticated_participants>\n"
             "      <enable_join_access_control>true</enable_join_access_control>\n"
             "      <discovery_protection_kind>ENCRYPT</discovery_protection_kind>\n"
             "      <liveliness_protection_kind>ENCRYPT</liveliness_protection_kind>\n"
             "      <rtps_protection_kind>ENCRYPT</rtps_protection_kind>\n"
             "      <topic_access_rules>\n"
             "        <topic_rule>\n"
             "          <topic_expression>*</topic_expression>\n"
             "          <enable_discovery_protection>true</enable_discovery_protection>\n"
             "          <enable_liveliness_protection>true</enable_liveliness_protection>\n"
             "          <enable_read_access_control>true</enable_read_access_control>\n"
             "          <enable_write_access_control>true</enable_write_access_control>\n"
             "          <metadata_protection_kind>ENCRYPT</metadata_protection_kind>\n"
             "          <data_protection_kind>ENCRYPT</data_protection_kind>\n"
             "        </topic_rule>\n"
             "      </topic_access_rules>\n"
             "    </domain_rule>\n"
             "  </domain_access_rules>\n"
             "</dds>\n",
             xml_head);
}

struct sbuf {
    char *p;
    size_t size, len;
};

static void sb_add(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *s, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (s->len >= s->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(s->p + s->len, s->size - s->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->len = s->len + (size_t)n < s->size ? s->len + (size_t)n : s->size;
}

static void sb_rule(struct sbuf *s, const char *verb, const char *const *topics, int nt,
                    char parts[][24], int np)
{
    sb_add(s, "        <%s>\n          <topics>", verb);
    for (int i = 0; i < nt; i++)
        sb_add(s, "<topic>%s</topic>", topics[i]);
    sb_add(s, "</topics>\n          <partitions>");
    for (int i = 0; i < np; i++)
        sb_add(s, "<partition>%s</partition>", parts[i]);
    sb_add(s, "</partitions>\n        </%s>\n", verb);
}

int tl_pki_permissions_xml(const struct tl_topology *t, int me, const char *subject, char *buf,
                           size_t size)
{
    static const char *const national_topics[] = { "Measurement", "SystemTrack", "Clock" };
    /* Warning: what each nation told its public, released and relayed as assessments are */
    static const char *const link_topics[] = { "Track", "Assessment", "NodeStatus", "Warning" };
    const int n_link_topics = (int)(sizeof link_topics / sizeof link_topics[0]);
    struct sbuf s = { buf, size, 0 };
    char tb[32], ta[32], part[16][24];
    const time_t now = time(NULL), before = now - BACKDATE_S,
                 after = now + VALID_DAYS * 86400L;
    struct tm tmb, tma;
    const char *N = t->nation[me];

    gmtime_r(&before, &tmb);
    gmtime_r(&after, &tma);
    strftime(tb, sizeof tb, "%Y-%m-%dT%H:%M:%S", &tmb);
    strftime(ta, sizeof ta, "%Y-%m-%dT%H:%M:%S", &tma);
    sb_add(&s, "%somg_shared_ca_permissions.xsd\">\n  <permissions>\n", xml_head);
    sb_add(&s, "    <grant name=\"%s_node\">\n      <subject_name>%s</subject_name>\n", N, subject);
    sb_add(&s, "      <validity><not_before>%s</not_before><not_after>%s</not_after></validity>\n",
           tb, ta);
    /* national domain: the private feed, its clock and the fused picture, on the nation's own
     * partition */
    snprintf(part[0], sizeof part[0], "%s", N);
    sb_add(&s, "      <allow_rule>\n        <domains><id>%d</id></domains>\n",
           tl_topology_national_domain(t, me));
    sb_rule(&s, "publish", national_topics, 3, part, 1);
    sb_rule(&s, "subscribe", national_topics, 3, part, 1);
    sb_add(&s, "      </allow_rule>\n");
    /* one rule per link: exact release groups, never a wildcard */
    for (int j = 0; j < t->n; j++) {
        int np = 0;
        if (!tl_topology_linked(t, me, j))
            continue;
        sb_add(&s, "      <allow_rule>\n        <domains><id>%d</id></domains>\n",
               tl_topology_link_domain(t, me, j));
        /* write: own data to j; own data to j for onward sharing (j is the hub); data relayed
         * by me (the hub) from a third nation k to j */
        tl_partition_name(part[np++], sizeof part[0], N, t->nation[j], NULL);
        for (int k = 0; k < t->n; k++) {
            if (k == me || k == j)
                continue;
            if (j == t->hub)
                tl_partition_name(part[np++], sizeof part[0], N, t->nation[j], t->nation[k]);
            if (me == t->hub)
                tl_partition_name(part[np++], sizeof part[0], t->nation[k], N, t->nation[j]);
        }
        sb_rule(&s, "publish", link_topics, n_link_topics, part, np);
        np = 0;
        tl_partition_name(part[np++], sizeof part[0], t->nation[j], N, NULL);
        for (int k = 0; k < t->n; k++) {
            if (k == me || k == j)
                continue;
            if (me == t->hub) /* j's data for me to pass on to k */
                tl_partition_name(part[np++], sizeof part[0], t->nation[j], N, t->nation[k]);
            if (j == t->hub) /* k's data relayed to me by the hub */
                tl_partition_name(part[np++], sizeof part[0], t->nation[k], t->nation[j], N);
        }
        sb_rule(&s, "subscribe", link_topics, n_link_topics, part, np);
        sb_add(&s, "      </allow_rule>\n");
    }
    sb_add(&s, "      <default>DENY</default>\n    </grant>\n  </permissions>\n</dds>\n");
    return s.len < size ? TL_OK : TL_ERANGE;
}

void tl_pki_security(const char *dir, const char *nation, struct tl_security *sec)
{
    memset(sec, 0, sizeof *sec);
    snprintf(sec->identity_ca, sizeof sec->identity_ca, "%s/trusted/%s.pem", dir, nation);
    snprintf(sec->identity_cert, sizeof sec->identity_cert, "%s/%s/cert.pem", dir, nation);
    snprintf(sec->private_key, sizeof sec->private_key, "%s/%s/key.pem", dir, nation);
    snprintf(sec->trusted_ca_dir, sizeof sec->trusted_ca_dir, "%s/trusted", dir);
    snprintf(sec->permissions_ca, sizeof sec->permissions_ca, "%s/permissions-ca.pem", dir);
    snprintf(sec->governance, sizeof sec->governance, "%s/governance.p7s", dir);
    snprintf(sec->permissions, sizeof sec->permissions, "%s/%s/permissions.p7s", dir, nation);
}

#define PATH(buf, ...) snprintf(buf, sizeof buf, __VA_ARGS__)

int tl_pki_create(const struct tl_topology *t, const char *dir, struct tl_diag *diag)
{
    char p[1024], q[1024], subject[256];
    enum { XML_SIZE = 32768 };
    char *xml;
    EVP_PKEY *pca_key = NULL;
    X509 *pca = NULL;
    int rc = TL_OK;

    if (t == NULL || dir == NULL)
        return TL_EINVAL;
    /* the governance and permissions documents, on the heap: no static state in the library */
    if ((xml = malloc(XML_SIZE)) == NULL)
        return TL_ENOMEM;
    PATH(p, "%s/trusted", dir);
    PATH(q, "%s/ca", dir);
    if (mkdir_p(p) != 0 || mkdir_p(q) != 0) {
        free(xml);
        return fail(diag, "%s: cannot create: %s", dir, strerror(errno));
    }
    pca_key = gen_key();
    pca = pca_key ? make_cert(pca_key, NULL, "trilink permissions CA", NULL, NULL, 1, 1) : NULL;
    PATH(p, "%s/permissions-ca.pem", dir);
    PATH(q, "%s/ca/permissions-ca.key", dir);
    if (pca == NULL || write_cert(p, pca) != 0 || write_key(q, pca_key) != 0) {
        rc = fail(diag, "%s: cannot make the permissions CA", p);
        goto out;
    }
    governance_xml(xml, XML_SIZE);
    PATH(p, "%s/governance.xml", dir);
    PATH(q, "%s/governance.p7s", dir);
    if (write_text(p, xml) != 0 || smime_sign(q, xml, pca, pca_key) != 0) {
        rc = fail(diag, "%s: cannot write or sign the governance", q);
        goto out;
    }
    for (int i = 0; i < t->n && rc == TL_OK; i++) {
        const char *N = t->nation[i];
        char cn[64];
        EVP_PKEY *ca_key = gen_key(), *key = gen_key();
        X509 *ca = NULL, *cert = NULL;

        snprintf(cn, sizeof cn, "%s identity CA", N);
        ca = ca_key ? make_cert(ca_key, N, cn, NULL, NULL, 1, 1) : NULL;
        snprintf(cn, sizeof cn, "%s-node", N);
        cert = (ca && key) ? make_cert(key, N, cn, ca, ca_key, 0, 2) : NULL;
        PATH(p, "%s/%s", dir, N);
        if (cert == NULL || mkdir_p(p) != 0) {
            rc = fail(diag, "%s: cannot make the identity of %s", dir, N);
        } else {
            subject_rfc2253(cert, subject, sizeof subject);
            PATH(p, "%s/trusted/%s.pem", dir, N);
            if (write_cert(p, ca) != 0)
                rc = fail(diag, "%s: cannot write", p);
            PATH(p, "%s/ca/%s-identity-ca.key", dir, N);
            if (rc == TL_OK && write_key(p, ca_key) != 0)
                rc = fail(diag, "%s: cannot write", p);
            PATH(p, "%s/%s/cert.pem", dir, N);
            if (rc == TL_OK && write_cert(p, cert) != 0)
                rc = fail(diag, "%s: cannot write", p);
            PATH(p, "%s/%s/key.pem", dir, N);
            if (rc == TL_OK && write_key(p, key) != 0)
                rc = fail(diag, "%s: cannot write", p);
            if (rc == TL_OK && tl_pki_permissions_xml(t, i, subject, xml, XML_SIZE) != TL_OK)
                rc = fail(diag, "permissions of %s: too long", N);
            PATH(p, "%s/%s/permissions.xml", dir, N);
            PATH(q, "%s/%s/permissions.p7s", dir, N);
            if (rc == TL_OK && (write_text(p, xml) != 0 || smime_sign(q, xml, pca, pca_key) != 0))
                rc = fail(diag, "%s: cannot write or sign", q);
        }
        X509_free(ca);
        X509_free(cert);
        EVP_PKEY_free(ca_key);
        EVP_PKEY_free(key);
    }
out:
    X509_free(pca);
    EVP_PKEY_free(pca_key);
    free(xml);
    return rc;
}

int tl_pki_create_impostor(const char *dir, const char *nation, struct tl_security *sec,
                           struct tl_diag *diag)
{
    char p[1024], cn[64];
    EVP_PKEY *ca_key = gen_key(), *key = gen_key();
    X509 *ca = NULL, *cert = NULL;
    int rc = TL_OK;

    snprintf(cn, sizeof cn, "%s identity CA", nation); /* same names, another key */
    ca = ca_key ? make_cert(ca_key, nation, cn, NULL, NULL, 1, 1) : NULL;
    snprintf(cn, sizeof cn, "%s-node", nation);
    cert = (ca && key) ? make_cert(key, nation, cn, ca, ca_key, 0, 2) : NULL;
    PATH(p, "%s/rogue-%s/trusted", dir, nation);
    if (cert == NULL || mkdir_p(p) != 0) {
        rc = fail(diag, "%s: cannot make the impostor", p);
        goto out;
    }
    tl_pki_security(dir, nation, sec);
    PATH(sec->identity_ca, "%s/rogue-%s/trusted/ca.pem", dir, nation);
    PATH(sec->identity_cert, "%s/rogue-%s/cert.pem", dir, nation);
    PATH(sec->private_key, "%s/rogue-%s/key.pem", dir, nation);
    PATH(sec->trusted_ca_dir, "%s/rogue-%s/trusted", dir, nation);
    if (write_cert(sec->identity_ca, ca) || write_cert(sec->identity_cert, cert) ||
        write_key(sec->private_key, key))
        rc = fail(diag, "%s/rogue-%s: cannot write", dir, nation);
out:
    X509_free(ca);
    X509_free(cert);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
    return rc;
}
