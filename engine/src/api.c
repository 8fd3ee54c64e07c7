/* api.c - small public functions: names, limits, version. */
#include "plancheck.h"

const char *pc_version(void)
{
	return PLANCHECK_VERSION;
}

const char *pc_strerror(int code)
{
	switch (code) {
	case PC_OK: return "success";
	case PC_ENOMEM: return "out of memory";
	case PC_EIO: return "input/output error";
	case PC_ESYNTAX: return "YAML syntax error";
	case PC_ELIMIT: return "resource limit exceeded";
	case PC_EINVALID: return "invalid input";
	case PC_EUSAGE: return "bad usage";
	case PC_EREGEX: return "invalid regular expression";
	default: return "unknown error";
	}
}

void pc_limits_default(pc_limits *l)
{
	l->max_file_size = 256ULL << 20;
	l->max_depth = 64;
	l->max_alias_events = 1000000;
	l->max_scalar_len = 1ULL << 20;
	l->max_units = 2000000;
	l->max_people = 5000000;
	l->max_rules = 10000;
	l->max_regex_len = 4096;
	l->regex_match_limit = 1000000;
	l->regex_depth_limit = 10000;
	l->parse_thread_min = 1ULL << 20;
}

const char *pc_severity_name(pc_severity sev)
{
	switch (sev) {
	case PC_SEV_ERROR: return "error";
	case PC_SEV_WARNING: return "warning";
	default: return "info";
	}
}

const char *pc_rule_kind_name(pc_rule_kind kind)
{
	switch (kind) {
	case PC_KIND_MERGED_TITLES: return "merged_titles";
	case PC_KIND_DEADLINE: return "deadline";
	case PC_KIND_QUOTA: return "quota";
	default: return "pattern";
	}
}

const char *pc_target_type_name(pc_target_type type)
{
	switch (type) {
	case PC_TARGET_UNIT: return "unit";
	case PC_TARGET_PERSON: return "person";
	case PC_TARGET_TASK: return "task";
	case PC_TARGET_TITLE: return "title";
	case PC_TARGET_WAIVER: return "waiver";
	default: return "plan";
	}
}
