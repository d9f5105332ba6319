#!/usr/bin/env bash
# `make test-slurm`: `neural-recovery slurm` against a real one-node Slurm cluster started here.
#
# Starts munged, slurmctld and slurmd (Debian's slurm-wlm and munge) on localhost with a
# configuration generated in a temporary folder (2 CPUs, proctrack/linuxproc, no cgroups), then:
#   1. a local `run` of the manifests (the reference, and the durations/memory the estimate uses);
#   2. a 4-shard job array + render job: the figures' CSV and SVG bytes must equal the reference's;
#   3. a second array in a fresh folder, one shard cancelled mid-run (scancel), then the same
#      `slurm --submit` again: no damaged entry, the entries written before are untouched, and the
#      resubmission runs exactly the missing tasks; outputs again equal the reference.
# Every daemon started here is stopped by its PID on exit, whether the checks passed or not.
#
# Usage: Tests/slurm/slurm_test.sh BINARY [MANIFEST...]
#   (default manifests: SLURM_TEST_MANIFESTS or fig07, fig08, nic-nnic-k; scale and overrides: SLURM_TEST_ARGUMENTS)
set -euo pipefail

BIN=$(readlink -f "${1:?usage: $0 BINARY [MANIFEST...]}")
shift
MANIFESTS=("$@")
if [ ${#MANIFESTS[@]} -eq 0 ]; then
  read -r -a MANIFESTS <<< "${SLURM_TEST_MANIFESTS:-experiments/fig07.yaml experiments/fig08.yaml experiments/nic-nnic-k.yaml}"
fi
for m in "${MANIFESTS[@]}"; do [ -f "$m" ] || { echo "no manifest $m" >&2; exit 2; }; done
# Smoke scale; longer training (fig08's cells take ~0.1 s each) so a shard runs long enough to be cancelled mid-run.
read -r -a SCALE <<< "${SLURM_TEST_ARGUMENTS:---scale smoke --set cell.training.epochs=2000}"
TIMEOUT=${SLURM_TEST_TIMEOUT:-900}   # seconds to wait for one array + render

WORK=$(mktemp -d /tmp/nr-slurm-test.XXXXXX)
PIDS=()
failed=1

log() { echo "[test-slurm] $*"; }
fail() { echo "[test-slurm] FAIL: $*" >&2; exit 1; }

cleanup() {
  local status=$?
  # Cancel whatever is still queued while the controller is up, then stop the daemons, newest first.
  if [ ${#PIDS[@]} -gt 0 ] && command -v scancel >/dev/null; then scancel --quiet --user=root 2>/dev/null || true; fi
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[$i]}" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$failed" != 0 ]; then
    for f in "$WORK"/log/*.log; do [ -f "$f" ] && { echo "---- tail of $f" >&2; tail -n 15 "$f" >&2; }; done
    for f in "$WORK"/shared*/slurm/*/logs/*.out; do [ -f "$f" ] && { echo "---- $f" >&2; tail -n 20 "$f" >&2; }; done
    echo "[test-slurm] work folder kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the cluster -------------------------------------------------------------------------------
mkdir -p "$WORK"/{munge,state,spool,log}
chmod 700 "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
munged --foreground --force --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/munge.sock" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge/munged.seed" \
  > "$WORK/log/munged.stdout" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$WORK/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$WORK/munge/munge.sock" ] || fail "munged did not create its socket"

ports=$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
read -r CTLD_PORT SLURMD_PORT <<< "$ports"
MEMORY_MB=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
PLUGINS=$(dirname "$(dpkg -L slurm-wlm-basic-plugins 2>/dev/null | grep -m1 '/proctrack_linuxproc.so$' || echo /usr/lib/x86_64-linux-gnu/slurm-wlm/x)")
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" <<EOF
ClusterName=nrtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge/munge.sock
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
PluginDir=$PLUGINS
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=$MEMORY_MB State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -f "$SLURM_CONF" > "$WORK/log/slurmctld.stdout" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N localhost > "$WORK/log/slurmd.stdout" 2>&1 &
PIDS+=($!)
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "node not idle after 60 s (state: ${state:-no answer})"
log "cluster up: munged, slurmctld, slurmd (PIDs ${PIDS[*]}), node localhost idle, 2 CPUs"

# Waits until the queue is empty (every job of this private cluster has ended).
wait_queue() {
  local waited=0
  while [ -n "$(squeue -h -o %i)" ]; do
    [ "$waited" -ge "$TIMEOUT" ] && fail "jobs still queued after $TIMEOUT s: $(squeue -h)"
    sleep 1; waited=$((waited + 1))
  done
}

# Submits `slurm … --submit` into outputs folder $1; sets ARRAY, RENDER and RUN_FOLDER.
submit() {
  local outputs=$1; shift
  local out
  out=$("$BIN" slurm "${SCALE[@]}" --outputs "$outputs" --shards 4 --cpus-per-task 1 "$@" --submit "${MANIFESTS[@]}")
  echo "$out" | sed 's/^/  | /'
  ARRAY=$(echo "$out" | sed -n 's/^submitted job array \([0-9]*\) .*render job \([0-9]*\) .*/\1/p')
  RENDER=$(echo "$out" | sed -n 's/^submitted job array \([0-9]*\) .*render job \([0-9]*\) .*/\2/p')
  RUN_FOLDER=$(echo "$out" | sed -n 's/^wrote \(.*\)\/ (tasks.tsv.*/\1/p')
  [ -n "$ARRAY" ] && [ -n "$RENDER" ] && [ -d "$RUN_FOLDER" ] || fail "could not read the job ids or folder from slurm's output"
}

# Every CSV and SVG of the reference equals the one under $1, byte for byte (the per-sample CSVs
# hold no wall-clock time).
compare_outputs() {
  local other=$1 files=0
  for ref in "$WORK"/ref/figures/*/*.csv "$WORK"/ref/figures/*/*.svg; do
    local mine=$other/figures/${ref#"$WORK"/ref/figures/}
    [ -f "$mine" ] || fail "missing $mine"
    cmp -s "$ref" "$mine" || fail "$mine differs from the local run"
    files=$((files + 1))
  done
  [ "$files" -gt 0 ] || fail "the reference run wrote no CSV or SVG"
  log "outputs under $(basename "$other") equal the local run's: $files files (every CSV and SVG byte for byte)"
}
entries() { find "$1/cache/entries" -name '*.entry' 2>/dev/null | wc -l; }

# --- 1. the local reference ----------------------------------------------------------------------
log "local run: ${MANIFESTS[*]} (smoke scale)"
"$BIN" run "${SCALE[@]}" --outputs "$WORK/ref" --jobs 2 --quiet "${MANIFESTS[@]}"
TOTAL=$(entries "$WORK/ref")
log "reference: $TOTAL tasks"

# The shared folders start with the reference's recorded durations and peaks, as after a smoke run.
for shared in "$WORK/shared" "$WORK/shared2"; do
  mkdir -p "$shared/cache"
  cp "$WORK/ref/cache/durations.json" "$WORK/ref/cache/memory.json" "$shared/cache/"
done

# --- 2. a 4-shard array + render ------------------------------------------------------------------
"$BIN" slurm "${SCALE[@]}" --outputs "$WORK/shared" --shards 4 --cpus-per-task 1 --dry-run "${MANIFESTS[@]}" > "$WORK/dry-run.txt"
grep -q '^#SBATCH --array=1-4$' "$WORK/dry-run.txt" || fail "dry run has no 4-element array"
grep -q '^#SBATCH --time=' "$WORK/dry-run.txt" || fail "dry run has no time limit from the estimate"
[ ! -d "$WORK/shared/slurm" ] || fail "--dry-run wrote files"
submit "$WORK/shared"
wait_queue
for i in 1 2 3 4; do
  [ "$(cat "$RUN_FOLDER/shards/$i.exit" 2>/dev/null)" = 0 ] || fail "shard $i did not exit 0"
done
grep -q '^4 of 4 shards complete; 0 of [0-9]* tasks missing, 0 damaged$' "$RUN_FOLDER/logs/render.out" \
  || fail "render report: $(tail -n 3 "$RUN_FOLDER/logs/render.out")"
executed=$(cat "$RUN_FOLDER"/logs/shard-*.out | sed -n 's/^executed \([0-9]*\) task.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
log "4 shards + render done: shards executed $executed tasks ($(cat "$RUN_FOLDER"/logs/shard-*.out | sed -n 's/^executed \([0-9]*\) task.*/\1/p' | paste -sd' ')), render: $(tail -n 1 "$RUN_FOLDER/logs/render.out")"
[ "$executed" = "$TOTAL" ] || fail "shards executed $executed tasks, the plan has $TOTAL"
compare_outputs "$WORK/shared"

# --- 3. cancel a shard mid-run, resubmit --------------------------------------------------------------
# One shard at a time, so every entry written while element 1 runs is element 1's.
submit "$WORK/shared2" --throttle 1
squeue | sed 's/^/  squeue | /'
waited=0
until [ "$(squeue -h -t R -j "${ARRAY}_1" -o %i 2>/dev/null)" != "" ] && [ "$(entries "$WORK/shared2")" -ge 1 ]; do
  [ "$waited" -ge 6000 ] && fail "shard 1 never ran"
  sleep 0.05; waited=$((waited + 1))
done
scancel "${ARRAY}_1"
log "cancelled shard 1 (job ${ARRAY}_1) with $(entries "$WORK/shared2") entries written"
wait_queue
[ ! -f "$RUN_FOLDER/shards/1.exit" ] || fail "the cancelled shard wrote an exit code"
report=$(tail -n 6 "$RUN_FOLDER/logs/render.out")
echo "$report" | sed 's/^/  | /'
echo "$report" | grep -q '^shard 1/4: .* missing; no exit code' || fail "the render report does not name shard 1 as unfinished"
echo "$report" | grep -q '^3 of 4 shards complete; [0-9]* of [0-9]* tasks missing, 0 damaged$' || fail "unexpected report"
MISSING=$(echo "$report" | sed -n 's/^3 of 4 shards complete; \([0-9]*\) of .*/\1/p')
BEFORE=$(entries "$WORK/shared2")
[ $((BEFORE + MISSING)) = "$TOTAL" ] || fail "$BEFORE entries + $MISSING missing ≠ $TOTAL tasks"
[ "$MISSING" -gt 0 ] || fail "shard 1 finished before it was cancelled"
# Entries as they were, to check the resubmission leaves them alone.
(cd "$WORK/shared2/cache/entries" && find . -name '*.entry' -printf '%p %i %s %T@\n' | sort) > "$WORK/entries-before.txt"
first_folder=$RUN_FOLDER

submit "$WORK/shared2"
[ "$RUN_FOLDER" != "$first_folder" ] || fail "the resubmission reused the first task list"
listed=$(($(wc -l < "$RUN_FOLDER/tasks.tsv") - 1))
[ "$listed" = "$MISSING" ] || fail "the resubmission lists $listed tasks, $MISSING were missing"
wait_queue
grep -q ' shards complete; 0 of [0-9]* tasks missing, 0 damaged$' "$RUN_FOLDER/logs/render.out" \
  || fail "resubmission incomplete: $(tail -n 3 "$RUN_FOLDER/logs/render.out")"
rerun=$(cat "$RUN_FOLDER"/logs/shard-*.out | sed -n 's/^executed \([0-9]*\) task.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
[ "$rerun" = "$MISSING" ] || fail "the resubmission executed $rerun tasks, $MISSING were missing"
(cd "$WORK/shared2/cache/entries" && find . -name '*.entry' -printf '%p %i %s %T@\n' | sort) > "$WORK/entries-after.txt"
kept=$(comm -12 "$WORK/entries-before.txt" "$WORK/entries-after.txt" | wc -l)
[ "$kept" = "$BEFORE" ] || fail "only $kept of the $BEFORE entries written before the resubmission are untouched"
[ "$(entries "$WORK/shared2")" = "$TOTAL" ] || fail "$(entries "$WORK/shared2") entries after the resubmission, $TOTAL tasks"
log "cancel + resubmit: $BEFORE of $TOTAL tasks cached when shard 1 was cancelled, $MISSING missing, 0 damaged;"
log "  the resubmission listed $listed and executed $rerun tasks; the $BEFORE earlier entries are untouched (same inode, size, mtime)"
compare_outputs "$WORK/shared2"
# A local run over the shared folder now finds nothing to compute.
again=$("$BIN" run "${SCALE[@]}" --outputs "$WORK/shared2" --quiet "${MANIFESTS[@]}" 2>&1)
case "$again" in "executed 0 tasks"*) ;; *) fail "a local run after the arrays computed: $again" ;; esac

failed=0
log "PASS"
