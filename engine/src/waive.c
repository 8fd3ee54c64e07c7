/* waive.c - to be written. */
#include "plancheck.h"
