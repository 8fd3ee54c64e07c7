/* rules_load.c - to be written. */
#include "plancheck.h"
