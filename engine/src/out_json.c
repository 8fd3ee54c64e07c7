/* out_json.c - to be written. */
#include "plancheck.h"
