#ifndef CONCERTD_CCRYPTO_SHIM_H
#define CONCERTD_CCRYPTO_SHIM_H

// The few libcrypto (OpenSSL 3) functions concertd uses: the one-shot HMAC() with SHA-256 to
// sign generic webhooks (Standard Webhooks), and RAND_bytes() to generate their secrets.

#include <stddef.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/// Writes the 32-byte HMAC-SHA256 of `data` keyed with `key` to `out`; returns 1 on success, 0 on failure.
static inline int ccrypto_hmac_sha256(const void *key, int key_length, const unsigned char *data,
                                      size_t data_length, unsigned char out[32]) {
    unsigned int out_length = 0;
    if (HMAC(EVP_sha256(), key, key_length, data, data_length, out, &out_length) == NULL) {
        return 0;
    }
    return out_length == 32;
}

#endif
