/* template.c - to be written. */
#include "plancheck.h"
