/* eval_pattern.c - to be written. */
#include "plancheck.h"
