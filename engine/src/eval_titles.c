/* eval_titles.c - to be written. */
#include "plancheck.h"
