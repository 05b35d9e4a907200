/* A test public-key infrastructure for the coalition's DDS Security, made with OpenSSL:
 * an identity CA per nation (partners trust a directory of national CAs), one permissions CA for
 * the coalition, a certificate per nation's node, the signed governance document (everything
 * encrypted and authenticated) and a signed permissions document per nation that grants exactly
 * the domains, topics and partitions of its release groups, with no wildcard.
 *
 * Layout under DIR:
 *   trusted/NN.pem                  identity CA certificates of every nation (the trusted dir)
 *   ca/NN-identity-ca.key           identity CA keys (a real deployment keeps them offline)
 *   permissions-ca.pem, .key        the coalition's permissions CA
 *   governance.xml, governance.p7s  the governance document and its S/MIME signature
 *   NN/cert.pem, NN/key.pem         the node's identity (EC P-256)
 *   NN/permissions.xml, .p7s        its permissions
 */
#ifndef TRILINK_PKI_H
#define TRILINK_PKI_H

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/share.h"

/** Creates the whole PKI for @p t under @p dir (created if absent; existing files replaced). */
TL_API int tl_pki_create(const struct tl_topology *t, const char *dir, struct tl_diag *diag);

/** Fills @p sec with the paths of @p nation's material under @p dir (absolute if @p dir is). */
TL_API void tl_pki_security(const char *dir, const char *nation, struct tl_security *sec);

/**
 * For tests: an impostor of @p nation under DIR/rogue-NN/: a certificate with the same subject
 * issued by a CA no partner trusts, with the real nation's signed permissions. Fill @p sec to
 * use it (it trusts its own CA only).
 */
TL_API int tl_pki_create_impostor(const char *dir, const char *nation, struct tl_security *sec,
                                  struct tl_diag *diag);

/** The grants of @p nation as the permissions document lists them, for inspection and tests:
 * writes the XML into @p buf. */
TL_API int tl_pki_permissions_xml(const struct tl_topology *t, int nation, const char *subject,
                                  char *buf, size_t size);

#endif
