/* dates.c - calendar dates as day numbers (days since 1970-01-01). */
#include "plancheck.h"

#include <time.h>

/* Howard Hinnant's days_from_civil, proleptic Gregorian. */
static pc_date days_from_civil(int y, unsigned m, unsigned d)
{
	int era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (pc_date)(era * 146097 + (int)doe - 719468);
}

static void civil_from_days(pc_date z, int *y, unsigned *m, unsigned *d)
{
	int era;
	unsigned doe, yoe, doy, mp;
	long zz = (long)z + 719468;

	era = (int)((zz >= 0 ? zz : zz - 146096) / 146097);
	doe = (unsigned)(zz - (long)era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int pc_date_parse(const char *text, size_t len, pc_date *out)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 0;
	unsigned m, d, dim;
	size_t i;

	if (len != 10 || text[4] != '-' || text[7] != '-')
		return -1;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (text[i] < '0' || text[i] > '9')
			return -1;
	}
	for (i = 0; i < 4; i++)
		y = y * 10 + (text[i] - '0');
	m = (unsigned)(text[5] - '0') * 10 + (unsigned)(text[6] - '0');
	d = (unsigned)(text[8] - '0') * 10 + (unsigned)(text[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return -1;
	dim = mdays[m - 1] + (m == 2 && is_leap(y));
	if (d > dim)
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

char *pc_date_format(pc_date date, char buf[static 11])
{
	int y;
	unsigned m, d;

	if (date == PC_NODATE) {
		buf[0] = '\0';
		return buf;
	}
	civil_from_days(date, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}

pc_date pc_date_today(void)
{
	time_t t = time(NULL);

	return (pc_date)(t / 86400);
}
