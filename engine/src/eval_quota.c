/* eval_quota.c - to be written. */
#include "plancheck.h"
