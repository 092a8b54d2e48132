#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for as long as this script runs: munge and
# slurmctld/slurmd from Debian's packages, every file under one temporary folder, non-default
# ports. It runs a sweep as a four-task job array with a merge job that depends on it
# (`regsim sweep --slurm`), checks that the merged rows are byte for byte those of one process,
# then cuts one task's part mid-line (as a task killed mid-write leaves it), re-runs that task and
# the merge, and checks the bytes again. The daemons are stopped by their pids when it ends.
#
#   tests/slurm/run.sh [path/to/regsim]
#
# Needs root (munged runs as user munge) and the packages slurmctld, slurmd, slurm-client and
# munge (./build.sh setup installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
regsim=$(realpath "${1:-$here/../../target/release/regsim}")
[ -x "$regsim" ] || { echo "slurm test: $regsim is not an executable (cargo build --release)" >&2; exit 1; }
for cmd in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$cmd" >/dev/null || { echo "slurm test: $cmd not found; run ./build.sh setup" >&2; exit 1; }
done

work=$(mktemp -d /tmp/regsim-slurm.XXXXXX)
chmod 755 "$work"
pids=()
stop() {
  local rc=$?
  for p in "${pids[@]}"; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
  sleep 1
  for p in "${pids[@]}"; do
    [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || true
  done
  if [ $rc -ne 0 ]; then
    echo "slurm test failed; logs:" >&2
    tail -n 20 "$work"/*.log "$work"/jobs/logs/* 2>/dev/null >&2 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap stop EXIT

log() { echo "[slurm test] $*" >&2; }

# munge: a fresh key and a daemon of our own, run as user munge.
mkdir -p "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chown -R munge:munge "$work/munge"
chmod 700 "$work/munge"
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
su -s /bin/sh munge -c "munged --key-file=$work/munge/munge.key --socket=$socket --pid-file=$work/munge/munged.pid --log-file=$work/munge/munged.log --seed-file=$work/munge/seed --force"
pids+=("$work/munge/munged.pid")

# Slurm: one node (this machine), one partition, state and logs under $work, ports away from
# the defaults so that a cluster the machine may run is not disturbed.
node=$(hostname -s)
cpus=$(nproc)
mem=$(( $(free -m | awk '/^Mem:/ {print $2}') * 3 / 4 ))
port=$(( 17000 + RANDOM % 2000 ))
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<EOF
ClusterName=regsimtest
SlurmctldHost=$node
SlurmUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld
pids+=("$work/slurmctld.pid")
slurmd
pids+=("$work/slurmd.pid")

log "waiting for the node"
for _ in $(seq 1 60); do
  state=$(sinfo -h -o %t 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
[ "$state" = "idle" ] || { echo "slurm test: the node is '$state', not idle, after 60 s" >&2; exit 1; }

# A sweep small enough to take seconds, with enough points for four shards.
cat > "$work/experiment.toml" <<EOF
reform = "sb1047"
replicates = 2
quarters = 8
[design]
kind = "lhs"
samples = 10
[[factors]]
path = "market.nest_lambda"
min = 0.4
max = 0.8
[[factors]]
path = "regime.compliance_fixed"
min = 1e5
max = 1e8
scale = "log"
arm = "reform"
[[summaries]]
metric = "hhi"
[[summaries]]
metric = "open_share_usage"
stat = "final"
EOF
"$regsim" sweep "$work/experiment.toml" --out "$work/single.csv" --threads 1

wait_for() { # wait until no job of ours is pending or running, and the file exists
  for _ in $(seq 1 120); do
    if [ -z "$(squeue -h -o %i 2>/dev/null)" ] && [ -f "$1" ]; then return 0; fi
    sleep 1
  done
  echo "slurm test: jobs still queued or $1 missing after 120 s" >&2
  squeue >&2 || true
  return 1
}

log "submitting a four-task array and its merge job"
"$regsim" sweep "$work/experiment.toml" --slurm "$work/jobs" --tasks 4 --out "$work/merged.csv"
"$work/jobs/submit.sh"
wait_for "$work/merged.csv"
cmp "$work/single.csv" "$work/merged.csv"
log "the merged rows are the single process's, byte for byte"

# A task killed mid-write leaves its part cut anywhere; run it again, merge again.
size=$(stat -c %s "$work/jobs/part-2.csv")
truncate -s $((size / 2 + 3)) "$work/jobs/part-2.csv"
rm "$work/merged.csv"
log "re-running task 2 after cutting its part mid-line, then the merge"
array=$(sbatch --parsable --array=2 "$work/jobs/array.sbatch")
sbatch --parsable --dependency=afterok:"$array" "$work/jobs/merge.sbatch" >/dev/null
wait_for "$work/merged.csv"
cmp "$work/single.csv" "$work/merged.csv"
log "after the re-run, the merged rows are again the single process's"
echo "slurm test passed"
