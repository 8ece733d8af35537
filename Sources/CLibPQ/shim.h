#ifndef CONCERTD_CLIBPQ_SHIM_H
#define CONCERTD_CLIBPQ_SHIM_H

// libpq, PostgreSQL's C client library (Debian: libpq-dev to build, libpq5 at run time).
// None of the entry points concertd uses is variadic; the error field codes are character
// literals (`'C'`), which Swift does not import, hence the functions below.

#include <libpq-fe.h>

/// The SQLSTATE of a failed result (`23505`), or NULL.
static inline const char *clibpq_result_sqlstate(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_SQLSTATE);
}

/// The primary message of a failed result, without DETAIL (which may quote the values of a row).
static inline const char *clibpq_result_primary_message(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
}

/// The constraint a failed result violated, or NULL.
static inline const char *clibpq_result_constraint(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
}

/// The severity of a result or notice, never translated (`FATAL`, `WARNING`, `NOTICE`), or NULL.
static inline const char *clibpq_result_severity(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
}

#endif
