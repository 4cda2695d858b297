#ifndef CREDIT_RECONCILER_CLIBPQ_SHIM_H
#define CREDIT_RECONCILER_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
