/*
 * The JSON rendering of decoded GB/T 26875.3 frames and the code tables
 * behind its readable names (PROTOCOL.md §5: system types, component
 * types, analog quantities with their units and resolutions).  Objects
 * are rendered by walking the same layout table the decoder used.
 */
#include <stdio.h>
#include <string.h>

#include "../core/str.h"
#include "gb26875.h"
#include "gb26875_int.h"

static const char *const gb_cmd_names[7] = {
	"reserved", "control", "send_data", "confirm", "request", "answer",
	"deny",
};

static const char *const gb_sys_names[25] = {
	[0] = "general",
	[1] = "fire alarm system",
	[10] = "fire linkage controller",
	[11] = "hydrant system",
	[12] = "sprinkler system",
	[13] = "gas extinguishing system",
	[14] = "water spray system (pump-started)",
	[15] = "water spray system (pressure-vessel-started)",
	[16] = "foam extinguishing system",
	[17] = "dry powder extinguishing system",
	[18] = "smoke control and exhaust system",
	[19] = "fire doors and shutters",
	[20] = "fire lift",
	[21] = "emergency broadcast",
	[22] = "emergency lighting and evacuation signs",
	[23] = "fire power supply",
	[24] = "fire telephone",
};

static const char *const gb_comp_names[122] = {
	[0] = "general",
	[1] = "fire alarm controller",
	[10] = "combustible gas detector",
	[11] = "point combustible gas detector",
	[12] = "stand-alone combustible gas detector",
	[13] = "line combustible gas detector",
	[16] = "electrical fire monitor",
	[17] = "residual-current electrical fire detector",
	[18] = "temperature electrical fire detector",
	[21] = "detection loop",
	[22] = "fire display panel",
	[23] = "manual call point",
	[24] = "hydrant button",
	[25] = "fire detector",
	[30] = "heat detector",
	[31] = "point heat detector",
	[32] = "point heat detector (S)",
	[33] = "point heat detector (R)",
	[34] = "line heat detector",
	[35] = "line heat detector (S)",
	[36] = "line heat detector (R)",
	[37] = "fibre-optic heat detector",
	[40] = "smoke detector",
	[41] = "point ionisation smoke detector",
	[42] = "point photoelectric smoke detector",
	[43] = "beam smoke detector",
	[44] = "aspirating smoke detector",
	[50] = "multi-criteria fire detector",
	[51] = "smoke and heat detector",
	[52] = "flame and heat detector",
	[53] = "flame and smoke detector",
	[61] = "ultraviolet flame detector",
	[62] = "infrared flame detector",
	[69] = "flame detector",
	[74] = "gas detector",
	[78] = "video fire detector",
	[79] = "acoustic fire detector",
	[81] = "gas extinguishing controller",
	[82] = "fire electrical control device",
	[83] = "fire control room graphic display",
	[84] = "module",
	[85] = "input module",
	[86] = "output module",
	[87] = "input/output module",
	[88] = "relay module",
	[91] = "fire pump",
	[92] = "fire water tank",
	[95] = "sprinkler pump",
	[96] = "water-flow indicator",
	[97] = "signal valve",
	[98] = "alarm valve",
	[99] = "pressure switch",
	[101] = "valve actuator",
	[102] = "fire door",
	[103] = "fire damper",
	[104] = "ventilation and air conditioning",
	[105] = "foam pump",
	[106] = "pipe-network solenoid valve",
	[111] = "smoke fan",
	[113] = "smoke-exhaust fire damper",
	[114] = "normally-closed air inlet",
	[115] = "smoke outlet",
	[116] = "electric smoke curtain",
	[117] = "fire shutter controller",
	[118] = "fire door monitor",
	[121] = "alarm sounder",
};

/* The same names in Chinese, as the standard gives them (PROTOCOL.md §5.1,
 * §5.2). */
static const char *const gb_sys_names_zh[25] = {
	[0] = "通用",
	[1] = "火灾报警系统",
	[10] = "消防联动控制器",
	[11] = "消火栓系统",
	[12] = "自动喷水灭火系统",
	[13] = "气体灭火系统",
	[14] = "水喷雾灭火系统（泵启动方式）",
	[15] = "水喷雾灭火系统（压力容器启动方式）",
	[16] = "泡沫灭火系统",
	[17] = "干粉灭火系统",
	[18] = "防烟排烟系统",
	[19] = "防火门及卷帘系统",
	[20] = "消防电梯",
	[21] = "消防应急广播",
	[22] = "消防应急照明和疏散指示系统",
	[23] = "消防电源",
	[24] = "消防电话",
};

static const char *const gb_comp_names_zh[122] = {
	[0] = "通用",
	[1] = "火灾报警控制器",
	[10] = "可燃气体探测器",
	[11] = "点型可燃气体探测器",
	[12] = "独立式可燃气体探测器",
	[13] = "线型可燃气体探测器",
	[16] = "电气火灾监控报警器",
	[17] = "剩余电流式电气火灾监控探测器",
	[18] = "测温式电气火灾监控探测器",
	[21] = "探测回路",
	[22] = "火灾显示盘",
	[23] = "手动火灾报警按钮",
	[24] = "消火栓按钮",
	[25] = "火灾探测器",
	[30] = "感温火灾探测器",
	[31] = "点型感温火灾探测器",
	[32] = "点型感温火灾探测器（S型）",
	[33] = "点型感温火灾探测器（R型）",
	[34] = "线型感温火灾探测器",
	[35] = "线型感温火灾探测器（S型）",
	[36] = "线型感温火灾探测器（R型）",
	[37] = "光纤感温火灾探测器",
	[40] = "感烟火灾探测器",
	[41] = "点型离子感烟火灾探测器",
	[42] = "点型光电感烟火灾探测器",
	[43] = "线型光束感烟火灾探测器",
	[44] = "吸气式感烟火灾探测器",
	[50] = "复合式火灾探测器",
	[51] = "复合式感烟感温火灾探测器",
	[52] = "复合式感光感温火灾探测器",
	[53] = "复合式感光感烟火灾探测器",
	[61] = "紫外火焰探测器",
	[62] = "红外火焰探测器",
	[69] = "感光火灾探测器",
	[74] = "气体探测器",
	[78] = "图像摄像方式火灾探测器",
	[79] = "感声火灾探测器",
	[81] = "气体灭火控制器",
	[82] = "消防电气控制装置",
	[83] = "消防控制室图形显示装置",
	[84] = "模块",
	[85] = "输入模块",
	[86] = "输出模块",
	[87] = "输入/输出模块",
	[88] = "中继模块",
	[91] = "消防水泵",
	[92] = "消防水箱",
	[95] = "喷淋泵",
	[96] = "水流指示器",
	[97] = "信号阀",
	[98] = "报警阀",
	[99] = "压力开关",
	[101] = "阀驱动装置",
	[102] = "防火门",
	[103] = "防火阀",
	[104] = "通风空调",
	[105] = "泡沫液泵",
	[106] = "管网电磁阀",
	[111] = "防烟排烟风机",
	[113] = "排烟防火阀",
	[114] = "常闭送风口",
	[115] = "排烟口",
	[116] = "电控挡烟垂壁",
	[117] = "防火卷帘控制器",
	[118] = "防火门监控器",
	[121] = "警报装置",
};

/* Analog types: quantity, unit, counts per unit (PROTOCOL.md §5.3). */
static const struct {
	const char	*quantity;
	const char	*unit;
	int		 div;
} gb_analog[13] = {
	[1] = { "event count", "events", 1 },
	[2] = { "height", "m", 100 },
	[3] = { "temperature", "°C", 10 },
	[4] = { "pressure", "MPa", 10 },
	[5] = { "pressure", "kPa", 10 },
	[6] = { "gas concentration", "%LEL", 10 },
	[7] = { "time", "s", 1 },
	[8] = { "voltage", "V", 10 },
	[9] = { "current", "A", 10 },
	[10] = { "flow", "L/s", 10 },
	[11] = { "air volume", "m³/min", 10 },
	[12] = { "wind speed", "m/s", 1 },
};

static const char *const gb_time_kinds[5] = {
	"binary", "bcd", "zero", "invalid", "absent",
};

static const char *
gb_code_name(const char *const *names, size_t n, int code)
{
	if (code >= 0 && (size_t)code < n && names[code] != NULL)
		return names[code];
	return code >= 128 && code <= 255 ? "user defined" : "reserved";
}

const char *
gb26875_command_name(int cmd)
{
	if (cmd >= 0 && cmd <= 6)
		return gb_cmd_names[cmd];
	return cmd >= 128 && cmd <= 255 ? "user_defined" : "reserved";
}

const char *
gb26875_type_name(int type)
{
	const struct gb26875_layout	*l = gb26875_layout_of(type);

	if (l != NULL)
		return l->name;
	return type >= 128 && type <= 255 ? "user_defined" : "reserved";
}

const char *
gb26875_system_type_name(int code)
{
	return gb_code_name(gb_sys_names, 25, code);
}

const char *
gb26875_component_type_name(int code)
{
	return gb_code_name(gb_comp_names, 122, code);
}

const char *
gb26875_system_type_name_zh(int code)
{
	if (code >= 0 && code < 25 && gb_sys_names_zh[code] != NULL)
		return gb_sys_names_zh[code];
	return code >= 128 && code <= 255 ? "用户自定义" : "预留";
}

const char *
gb26875_component_type_name_zh(int code)
{
	if (code >= 0 && code < 122 && gb_comp_names_zh[code] != NULL)
		return gb_comp_names_zh[code];
	return code >= 128 && code <= 255 ? "用户自定义" : "预留";
}

int
gb26875_analog_scale(int analog_type, const char **quantity,
    const char **unit)
{
	if (analog_type < 1 || analog_type > 12) {
		*quantity = *unit = NULL;
		return 0;
	}
	*quantity = gb_analog[analog_type].quantity;
	*unit = gb_analog[analog_type].unit;
	return gb_analog[analog_type].div;
}

static json_t *
gb_hex(const unsigned char *p, size_t n)
{
	char	tmp[2 * GB26875_FRAME_MAX + 1];
	json_t	*j;

	if (n > GB26875_FRAME_MAX)
		n = GB26875_FRAME_MAX;
	str_hex(p, n, tmp);
	j = json_string(tmp);
	return j;
}

/* key, and key_kind / key_raw unless the label is plain binary. */
static void
gb_time_json(json_t *o, const char *key, const struct gb26875_time *t)
{
	char	buf[GB26875_TIME_STR], k[48];

	gb26875_time_format(t, buf);
	json_object_set_new(o, key, buf[0] ? json_string(buf) : json_null());
	if (t->kind == GB26875_TIME_BINARY)
		return;
	snprintf(k, sizeof(k), "%s_kind", key);
	json_object_set_new(o, k, json_string(t->kind < 5 ?
	    gb_time_kinds[t->kind] : "invalid"));
	if (t->kind == GB26875_TIME_INVALID || t->kind == GB26875_TIME_BCD) {
		snprintf(k, sizeof(k), "%s_raw", key);
		json_object_set_new(o, k, gb_hex(t->raw, 6));
	}
}

static json_t *
gb_flags_json(unsigned v, unsigned nbits, const char *const *names)
{
	json_t		*a = json_array();
	unsigned	 i;

	for (i = 0; i < nbits; i++)
		if (v & 1u << i)
			json_array_append_new(a, json_string(names[i]));
	return a;
}

static void
gb_field_json(json_t *o, const struct gb26875_field *fd,
    const struct gb26875_object *obj)
{
	const char	*b = (const char *)obj, *s, *q, *u;
	unsigned char	 wire[4];
	char		 k[48], tmp[16];
	uint32_t	 u32;
	uint16_t	 u16;
	int16_t		 i16;
	int		 div;
	uint8_t		 u8 = (uint8_t)b[fd->off];

	switch (fd->kind) {
	case GB_FK_SYS_TYPE:
	case GB_FK_COMP_TYPE:
		json_object_set_new(o, fd->key, json_integer(u8));
		snprintf(k, sizeof(k), "%s_name", fd->key);
		json_object_set_new(o, k, json_string(fd->kind ==
		    GB_FK_SYS_TYPE ? gb26875_system_type_name(u8) :
		    gb26875_component_type_name(u8)));
		break;
	case GB_FK_COMP_ADDR:
		memcpy(&u32, b + fd->off, sizeof(u32));
		json_object_set_new(o, fd->key, json_integer(u32));
		wire[0] = (unsigned char)(u32 & 0xff);
		wire[1] = (unsigned char)(u32 >> 8 & 0xff);
		wire[2] = (unsigned char)(u32 >> 16 & 0xff);
		wire[3] = (unsigned char)(u32 >> 24);
		snprintf(k, sizeof(k), "%s_bytes", fd->key);
		json_object_set_new(o, k, gb_hex(wire, 4));
		break;
	case GB_FK_FLAGS8:
	case GB_FK_FLAGS16:
		if (fd->kind == GB_FK_FLAGS16)
			memcpy(&u16, b + fd->off, sizeof(u16));
		else
			u16 = u8;
		json_object_set_new(o, fd->key, json_integer(u16));
		snprintf(k, sizeof(k), "%s_flags", fd->key);
		json_object_set_new(o, k, gb_flags_json(u16,
		    fd->kind == GB_FK_FLAGS16 ? 16 : 8, fd->bits));
		break;
	case GB_FK_ANALOG:
		memcpy(&i16, b + fd->off2, sizeof(i16));
		json_object_set_new(o, fd->key, json_integer(u8));
		div = gb26875_analog_scale(u8, &q, &u);
		json_object_set_new(o, "quantity", q ? json_string(q) :
		    json_null());
		json_object_set_new(o, "unit", u ? json_string(u) :
		    json_null());
		json_object_set_new(o, "raw_value", json_integer(i16));
		json_object_set_new(o, "value", div > 1 ?
		    json_real((double)i16 / div) : json_integer(i16));
		break;
	case GB_FK_VERSION:
		snprintf(tmp, sizeof(tmp), "%u.%u", u8,
		    (unsigned)(uint8_t)b[fd->off + 1]);
		json_object_set_new(o, fd->key, json_string(tmp));
		break;
	case GB_FK_TIME:
		gb_time_json(o, fd->key,
		    (const struct gb26875_time *)(b + fd->off));
		break;
	case GB_FK_DESC:
	case GB_FK_TEXT:
		memcpy(&s, b + fd->off, sizeof(s));
		json_object_set_new(o, fd->key, json_string(s ? s : ""));
		break;
	default:
		json_object_set_new(o, fd->key, json_integer(u8));
		break;
	}
}

json_t *
gb26875_frame_json(const struct gb26875_frame *f)
{
	const struct gb26875_layout	*l = NULL;
	const struct gb26875_header	*h = &f->hdr;
	json_t				*j, *a, *o;
	char				 ver[16];
	unsigned			 i, k, nf;

	j = json_object();
	if (!(f->flags & GB26875_F_ADU_ONLY)) {
		json_object_set_new(j, "serial", json_integer(h->serial));
		snprintf(ver, sizeof(ver), "%u.%u", h->version_main,
		    h->version_user);
		json_object_set_new(j, "version", json_string(ver));
		gb_time_json(j, "time", &h->time);
		json_object_set_new(j, "source",
		    json_integer((json_int_t)gb26875_addr(h->source)));
		json_object_set_new(j, "destination",
		    json_integer((json_int_t)gb26875_addr(h->destination)));
		json_object_set_new(j, "command", json_integer(h->command));
		json_object_set_new(j, "command_name",
		    json_string(gb26875_command_name(h->command)));
		if (f->flags & GB26875_F_HEARTBEAT)
			json_object_set_new(j, "heartbeat", json_true());
	}
	if (f->type < 0) {
		json_object_set_new(j, "type", json_null());
		json_object_set_new(j, "count", json_integer(0));
	} else {
		json_object_set_new(j, "type", json_integer(f->type));
		json_object_set_new(j, "type_name",
		    json_string(gb26875_type_name(f->type)));
		json_object_set_new(j, "count", json_integer(f->count));
	}
	a = json_array();
	if (f->adu_state == GB26875_ADU_DECODED)
		l = gb26875_layout_of(f->type);
	for (i = 0; l != NULL && i < f->nobj; i++) {
		o = json_object();
		nf = l->nfield;
		for (k = 0; k < nf; k++)
			gb_field_json(o, &l->fields[k], &f->obj[i]);
		json_array_append_new(a, o);
	}
	json_object_set_new(j, "objects", a);
	if (f->adu_state == GB26875_ADU_UNKNOWN ||
	    f->adu_state == GB26875_ADU_MISMATCH) {
		json_object_set_new(j, "adu", gb_hex(f->adu, f->adu_len));
		json_object_set_new(j, "adu_note", json_string(f->adu_note ?
		    f->adu_note : ""));
	}
	return j;
}
