/*
 * Hazards of the demo city (`make run`, `firewarden seed-demo`): every
 * Nth unit gets one, of a type from the catalogue with a description of
 * what grid workers and officers typically find, in every state a user
 * meets — corrected on the spot, left for a decision, ordered with its
 * deadline, transferred to the responsible department.  Deterministic,
 * through the module's own functions (so numbered and audited as any
 * other), and only into an empty hazards table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "hazard.h"
#include "hazard_int.h"

static const struct {
	const char	*type;
	const char	*text;
} hzs_demo[] = {
	{ "HZ-EXIT", "一楼安全出口处堆放纸箱、货物，疏散通道宽度不足" },
	{ "HZ-FACILITY", "二楼走道3具手提式灭火器压力指针处于红区" },
	{ "HZ-ELECTRIC", "仓库内电线未穿管保护，直接敷设在可燃物上" },
	{ "HZ-RESIDE", "店铺阁楼住人，住宿与经营部分未进行防火分隔" },
	{ "HZ-LANE", "消防车通道被私家车占用" },
	{ "HZ-STRUCTURE", "三楼违规加建彩钢板房" },
	{ "HZ-POWER", "楼道私拉电线为电动自行车充电" },
	{ "HZ-DUTY", "未建立每日防火巡查记录" },
	{ "HZ-HYDRANT", "室外消火栓被绿化带圈占" },
	{ "HZ-WINDOW", "三楼外窗设置固定防盗网，未留逃生口" },
};

int
hazard_seed_demo(struct store *st, struct actor *who, int64_t every,
    int64_t *made, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			*units = NULL, n = 0, cap = 0, k, id, have = 0;
	int			 rc;

	*made = 0;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM hazards",
	    STORE_NOARGS, &have, e)) < 0)
		return rc;
	if (have > 0)
		return 0;
	if ((rc = store_query(st, "SELECT id FROM units WHERE status = "
	    "'active' ORDER BY id", STORE_NOARGS, &r, e)) < 0)
		return rc;
	for (k = 0; (rc = store_next(r, e)) == 1; k++) {
		if (k % every != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			units = xrealloc(units, (size_t)cap * sizeof(*units));
		}
		units[n++] = store_int(r, 0);
	}
	store_rows_free(r);
	for (k = 0; rc == 0 && k < n && k < 2000; k++) {
		const struct hazard_type *ty;
		struct hazard_new	 h;
		size_t			 t = (size_t)k % (sizeof(hzs_demo) /
		    sizeof(hzs_demo[0]));

		if ((ty = hazard_type_find(hzs_demo[t].type)) == NULL)
			continue;
		memset(&h, 0, sizeof(h));
		h.unit_id = units[k];
		h.type_code = ty->code;
		h.source = k % 3 == 0 ? "patrol" : k % 3 == 1 ? "officer" :
		    "police";
		h.description = hzs_demo[t].text;
		/* 2 in 10 corrected on the spot where the type allows, 1 in
		 * 10 left for a decision, the rest ordered. */
		if (k % 10 < 2 && ty->on_spot)
			h.on_spot = 1;
		else if (k % 10 == 2)
			h.deadline_days = -1;
		if ((rc = hazard_create(st, who, &h, &id, e)) < 0)
			break;
		(*made)++;
		/* Another department's hazard goes to it. */
		if (strcmp(ty->dept, "fire") != 0 && !h.on_spot) {
			json_t	*in = json_pack("{s:s, s:s}", "dept", ty->dept,
			    "note", "不属消防职责，移送主管部门"), *out = NULL;

			rc = hazard_transfer(st, who, id, in, &out, e);
			json_decref(in);
			json_decref(out);
		}
	}
	free(units);
	return rc < 0 ? rc : 0;
}
