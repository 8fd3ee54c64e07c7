#include "plancheck.h"
int main(void) { return 0; }
