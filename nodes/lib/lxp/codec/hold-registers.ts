// Holding registers with names in the payload contract (docs/lxp-protocol.md §9, docs/lxp-payloads.md).

/** Plain numeric hold registers: reg → name, with a divisor and signedness where needed. */
export const HOLD_NAMES: Readonly<Record<number, { key: string; scale?: number; signed?: boolean }>> = {
  64: { key: "charge_rate_pct" },
  65: { key: "discharge_rate_pct" },
  66: { key: "ac_charge_rate_pct" },
  67: { key: "ac_charge_soc_limit_pct" },
  74: { key: "charge_priority_rate_pct" },
  75: { key: "charge_priority_soc_limit_pct" },
  82: { key: "forced_discharge_rate_pct" },
  83: { key: "forced_discharge_soc_limit_pct" },
  90: { key: "eps_voltage" },
  91: { key: "eps_frequency" },
  101: { key: "charge_current_limit" },
  102: { key: "discharge_current_limit" },
  103: { key: "feed_in_limit_pct" },
  105: { key: "discharge_cutoff_soc_limit_pct" },
  119: { key: "ct_power_offset", signed: true },
  125: { key: "eps_discharge_cutoff_soc_pct" },
  160: { key: "ac_charge_start_soc_pct" },
  161: { key: "ac_charge_end_soc_pct" },
  // Battery, generator and AC-couple settings of the larger families (lxp-protocol.md §9).
  99: { key: "lead_acid_charge_voltage", scale: 10 },
  100: { key: "lead_acid_discharge_cutoff_voltage", scale: 10 },
  144: { key: "float_charge_voltage", scale: 10 },
  158: { key: "ac_charge_start_voltage", scale: 10 },
  159: { key: "ac_charge_end_voltage", scale: 10 },
  162: { key: "battery_low_voltage", scale: 10 },
  163: { key: "battery_low_back_voltage", scale: 10 },
  164: { key: "battery_low_soc_pct" },
  165: { key: "battery_low_back_soc_pct" },
  166: { key: "battery_low_to_utility_voltage", scale: 10 },
  167: { key: "battery_low_to_utility_soc_pct" },
  168: { key: "ac_charge_current_limit" },
  169: { key: "ongrid_eod_voltage", scale: 10 },
  176: { key: "max_grid_input_power" },
  177: { key: "generator_rated_power" },
  194: { key: "generator_charge_start_voltage", scale: 10 },
  195: { key: "generator_charge_end_voltage", scale: 10 },
  196: { key: "generator_charge_start_soc_pct" },
  197: { key: "generator_charge_end_soc_pct" },
  198: { key: "generator_charge_current_limit" },
  201: { key: "charge_priority_end_voltage", scale: 10 },
  202: { key: "forced_discharge_end_voltage", scale: 10 },
  207: { key: "peak_shaving_soc_pct" },
  208: { key: "peak_shaving_voltage", scale: 10 },
  213: { key: "smart_load_on_voltage", scale: 10 },
  214: { key: "smart_load_off_voltage", scale: 10 },
  215: { key: "smart_load_on_soc_pct" },
  216: { key: "smart_load_off_soc_pct" },
  220: { key: "ac_couple_start_soc_pct" },
  221: { key: "ac_couple_end_soc_pct" },
  222: { key: "ac_couple_start_voltage", scale: 10 },
  223: { key: "ac_couple_end_voltage", scale: 10 },
  227: { key: "battery_stop_charge_soc_pct" },
  228: { key: "battery_stop_charge_voltage", scale: 10 },
  234: { key: "quick_charge_minutes" },
};

/** Time windows: start register N (low byte hour, high byte minute), end register N + 1. */
export const TIME_WINDOWS: Readonly<Record<string, readonly [number, number, number]>> = {
  ac_charge: [68, 70, 72],
  charge_priority: [76, 78, 80],
  forced_discharge: [84, 86, 88],
  ac_first: [152, 154, 156],
};

/** Windows that are decoded but have no set/read command (two each, same layout as TIME_WINDOWS). */
export const DECODED_TIME_WINDOWS: Readonly<Record<string, readonly number[]>> = {
  peak_shaving: [209, 211],
  generator: [256, 258],
};

/** Register 21, the function-enable bitfield, index = bit (lxp-bridge names). */
export const REG21_BITS: readonly string[] = [
  "eps_en",
  "ovf_load_derate_en",
  "drms_en",
  "lvrt_en",
  "anti_island_en",
  "neutral_detect_en",
  "grid_on_power_ss_en",
  "ac_charge_en",
  "sw_seamless_en",
  "set_to_standby",
  "forced_discharge_en",
  "charge_priority_en",
  "iso_en",
  "gfci_en",
  "dci_en",
  "feed_in_grid_en",
];

/** Register 110, function-enable 1; only the bits lxp-bridge names. */
export const REG110_BITS: readonly string[] = ["ub_pv_grid_off_en", "ub_run_without_grid", "ub_micro_grid_en"];

export const LEAD_ACID_TEMPERATURE_REGS = [106, 107, 108, 109] as const;
