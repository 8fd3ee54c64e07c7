/* select.c - to be written. */
#include "plancheck.h"
