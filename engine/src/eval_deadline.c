/* eval_deadline.c - to be written. */
#include "plancheck.h"
