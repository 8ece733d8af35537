#ifndef CONCERTD_CCRYPTO_SHIM_H
#define CONCERTD_CCRYPTO_SHIM_H

// The few libcrypto (OpenSSL 3) functions concertd uses: SHA-256 digests for the HMAC that signs
// generic webhooks (Standard Webhooks), and RAND_bytes() to generate their secrets.

#include <stddef.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/// SHA-256, fetched from the default provider once for the life of the process. OpenSSL 3's
/// one-shot HMAC() looks the algorithms up again on every call, which cost more than hashing a
/// webhook's body.
static inline const EVP_MD *ccrypto_sha256(void) {
    static EVP_MD *fetched = NULL;
    EVP_MD *md = __atomic_load_n(&fetched, __ATOMIC_ACQUIRE);
    if (md != NULL) return md;
    EVP_MD *candidate = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (candidate == NULL) return NULL;
    EVP_MD *expected = NULL;
    if (__atomic_compare_exchange_n(&fetched, &expected, candidate, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        return candidate;
    }
    EVP_MD_free(candidate);
    return expected;
}

/// Writes the 32-byte HMAC-SHA256 (RFC 2104) of `data` keyed with `key` to `out`; returns 1 on
/// success, 0 on failure.
static inline int ccrypto_hmac_sha256(const void *key, int key_length, const unsigned char *data,
                                      size_t data_length, unsigned char out[32]) {
    const EVP_MD *md = ccrypto_sha256();
    if (md == NULL || key_length < 0) return 0;
    unsigned char block[64];
    memset(block, 0, sizeof block);
    unsigned int length = 0;
    if (key_length > 64) {
        if (EVP_Digest(key, (size_t)key_length, block, &length, md, NULL) != 1) return 0;
    } else if (key_length > 0) {
        memcpy(block, key, (size_t)key_length);
    }
    unsigned char inner_pad[64], outer_pad[64], inner[32];
    for (int i = 0; i < 64; i++) {
        inner_pad[i] = block[i] ^ 0x36;
        outer_pad[i] = block[i] ^ 0x5c;
    }
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int ok = EVP_DigestInit_ex(context, md, NULL) == 1 && EVP_DigestUpdate(context, inner_pad, 64) == 1
             && EVP_DigestUpdate(context, data, data_length) == 1
             && EVP_DigestFinal_ex(context, inner, &length) == 1 && length == 32
             && EVP_DigestInit_ex(context, md, NULL) == 1 && EVP_DigestUpdate(context, outer_pad, 64) == 1
             && EVP_DigestUpdate(context, inner, 32) == 1 && EVP_DigestFinal_ex(context, out, &length) == 1
             && length == 32;
    EVP_MD_CTX_free(context);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(inner_pad, sizeof inner_pad);
    OPENSSL_cleanse(outer_pad, sizeof outer_pad);
    return ok;
}

#endif
