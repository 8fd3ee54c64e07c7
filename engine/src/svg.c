/* svg.c - inline SVG charts for the report. */
#include "stats.h"
