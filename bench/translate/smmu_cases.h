#ifndef BENCH_TRANSLATE_SMMU_CASES_H
#define BENCH_TRANSLATE_SMMU_CASES_H

/*
 * The Arm SMMU model's translation throughput, beside the IPMMU's in
 * bench_translate (same report, backend "smmu_model"): TLB hits and full
 * 3-level stage-2 walks, 64-byte bursts, against a memcpy baseline.
 */
struct bench_report;

/* Run the SMMU cases ('only' NULL, or the one case to run) into 'rep'. */
void bench_smmu_translate(struct bench_report *rep, const char *only);

#endif /* BENCH_TRANSLATE_SMMU_CASES_H */
