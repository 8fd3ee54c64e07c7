/* out_text.c - to be written. */
#include "plancheck.h"
