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
};

/** Time windows: start register N (low byte hour, high byte minute), end register N + 1. */
export const TIME_WINDOWS: Readonly<Record<string, readonly [number, number, number]>> = {
  ac_charge: [68, 70, 72],
  charge_priority: [76, 78, 80],
  forced_discharge: [84, 86, 88],
  ac_first: [152, 154, 156],
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
