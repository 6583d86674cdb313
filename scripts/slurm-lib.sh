# shellcheck shell=bash
# slurm-lib.sh: a throw-away one-node Slurm cluster for tests, sourced by scripts/slurm-test.
#
#   . scripts/slurm-lib.sh
#   slurm_install                      # apt-get install slurm-wlm and munge, only if missing
#   slurm_start                        # munged, slurmctld, slurmd in a fresh temp dir; node idle
#   slurm_submit_wait JOB.sh [SECS]    # sbatch, wait until every task ended; fails unless all COMPLETED;
#                                      # sets SLURMTEST_JOBID
#   slurm_stop                         # also run by the EXIT trap slurm_start installs
#
# Everything the cluster writes (configuration, munge key and socket, state, spool, logs, pid files)
# lives under $SLURMTEST_DIR, a fresh temp dir per run, so the host's own munge and Slurm (if any) are
# untouched and a run killed half-way cannot break the next one. $SLURMTEST_SHARED is a directory
# under it for jobs to write their results to. Daemons are stopped by the process ids recorded when
# they were started, never by name.
#
# slurm_start must run in the calling shell itself (not in $(...) or a pipeline): it sets the
# EXIT, INT and TERM traps that call slurm_stop, and exports SLURM_CONF so that sbatch, squeue,
# scontrol and scancel talk to this cluster. A caller that needs its own EXIT trap calls slurm_stop
# from it.
#
# Tunables (environment):
#   SLURMTEST_LIFETIME  seconds after which the daemons die even if this shell was killed with
#                       SIGKILL and never ran its trap (default 900); what such a run leaves
#                       besides (slurmstepd, job tasks) is killed by the next run's slurm_start
#   SLURMTEST_KEEP=1    keep the temp dir (configuration and logs) after stopping, for debugging

# _slurm_log prints a progress line with the seconds since the script started.
_slurm_log() {
	printf 'slurm-test [%3ds] %s\n' "$SECONDS" "$*" >&2 || true
}

# _slurm_die prints an error, the tails of the daemons' logs, and exits 1 (the EXIT trap stops them).
_slurm_die() {
	printf 'slurm-test: FAIL: %s\n' "$*" >&2
	_slurm_dump_logs
	exit 1
}

_slurm_dump_logs() {
	local f
	[ -n "${SLURMTEST_DIR:-}" ] && [ -d "$SLURMTEST_DIR/log" ] || return 0
	for f in "$SLURMTEST_DIR"/log/*; do
		[ -s "$f" ] || continue
		# A daemon's stderr (NAME.out) repeats its log file (NAME.log) when it has one.
		case $f in *.out) [ -s "${f%.out}.log" ] && continue ;; esac
		printf '\n==> %s (last 30 lines) <==\n' "${f#"$SLURMTEST_DIR"/}" >&2
		tail -n 30 "$f" >&2
	done
}

# slurm_install installs Debian's slurm-wlm and munge when any of their commands is missing.
# apt-get update runs only when the install fails (no package lists, or lists older than the
# mirror), so a machine with current lists does not pay for it. Package scripts are kept from
# starting the host's munge and Slurm services (policy-rc.d exit 101) when the machine has no such
# policy of its own: the only daemons this harness runs are the ones slurm_start starts.
slurm_install() {
	local c missing=
	for c in munged mungekey slurmctld slurmd sbatch scontrol sinfo scancel; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || _slurm_die "missing$missing; installing slurm-wlm and munge needs root"
	_slurm_log "installing slurm-wlm and munge (missing:$missing)"
	(
		policy=/usr/sbin/policy-rc.d
		if [ ! -e "$policy" ]; then
			trap 'rm -f "$policy"' EXIT
			printf '#!/bin/sh\n# written by slurm-test for the duration of one apt-get install\nexit 101\n' >"$policy"
			chmod 755 "$policy"
		fi
		apt_install() {
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 \
				-o DPkg::Lock::Timeout=120 slurm-wlm munge
		}
		if ! apt_install >&2; then
			_slurm_log "apt-get install failed; running apt-get update and retrying"
			DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=120 >&2
			apt_install >&2
		fi
	) || _slurm_die "apt-get install slurm-wlm munge failed"
	_slurm_log "installed $(slurmd -V)"
}

# _slurm_port_free reports whether no TCP socket (IPv4 or IPv6, any state) uses local or remote port $1.
_slurm_port_free() {
	local hex
	hex=$(printf ':%04X ' "$1")
	! grep -qF -- "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# _slurm_pick_ports sets _slurm_ctld_port and _slurm_slurmd_port to two free ports below the usual
# ephemeral range, so a second cluster (or one left by a killed run) never collides with this one.
_slurm_pick_ports() {
	local _ p
	for _ in $(seq 1 100); do
		p=$((10000 + (RANDOM % 10000) * 2))
		if _slurm_port_free "$p" && _slurm_port_free $((p + 1)); then
			_slurm_ctld_port=$p
			_slurm_slurmd_port=$((p + 1))
			return 0
		fi
	done
	_slurm_die "no two free TCP ports found in 10000-29999"
}

# _slurm_spawn NAME CMD... starts CMD in the background with the run's marker in its environment,
# under timeout(1) so that it dies after $SLURMTEST_LIFETIME seconds whatever happens to this shell,
# and records the process id (that of timeout, which passes TERM on to CMD and leads CMD's process
# group) in $SLURMTEST_DIR/pids.
_slurm_spawn() {
	local name=$1
	shift
	SLURMTEST_RUN=$SLURMTEST_DIR timeout -k 5 "$SLURMTEST_LIFETIME" "$@" \
		</dev/null >"$SLURMTEST_DIR/log/$name.out" 2>&1 &
	printf '%s %s\n' "$!" "$name" >>"$SLURMTEST_DIR/pids"
	_slurm_log "started $name (pid $!)"
}

# _slurm_pid_of NAME prints the recorded process id of daemon NAME.
_slurm_pid_of() {
	awk -v n="$1" '$2 == n { print $1 }' "$SLURMTEST_DIR/pids"
}

# _slurm_wait_for SECONDS WHAT CMD... polls CMD every 0.2 s until it succeeds, failing after SECONDS;
# it also fails as soon as a daemon this run started has exited.
_slurm_wait_for() {
	local limit=$1 what=$2 deadline pid name
	shift 2
	deadline=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		while read -r pid name; do
			kill -0 "$pid" 2>/dev/null || _slurm_die "$name (pid $pid) exited while waiting for $what"
		done <"$SLURMTEST_DIR/pids"
		[ "$SECONDS" -lt "$deadline" ] || _slurm_die "$what: not reached in ${limit}s"
		sleep 0.2
	done
}

# _slurm_reap_stale kills the leftovers of runs that were killed before their trap ran (daemons,
# slurmstepd, job tasks), then removes those runs' temp dirs. Runs whose shell is still alive (a
# concurrent test) are left alone.
_slurm_reap_stale() {
	local pid run owner dir
	while read -r pid run; do
		owner=$(cat "$run/owner" 2>/dev/null) || owner=
		if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
			continue
		fi
		_slurm_log "killing pid $pid left by the killed run $run"
		kill -KILL "$pid" 2>/dev/null || true
	done < <(_slurm_run_processes)
	for dir in "${TMPDIR:-/tmp}"/slurm-test.*; do
		[ -f "$dir/owner" ] || continue
		owner=$(cat "$dir/owner")
		kill -0 "$owner" 2>/dev/null && continue
		_slurm_log "removing $dir left by a killed run"
		rm -rf "$dir"
	done
}

# _slurm_run_processes prints "PID DIR" for every process belonging to a run of this harness whose
# temp dir is DIR. Daemons and job tasks carry SLURMTEST_RUN=DIR in their environment. slurmstepd
# writes its process title over its environment, so it is found instead by the socket it listens
# on in DIR/spool.
_slurm_run_processes() {
	local inode path
	grep -zsH '^SLURMTEST_RUN=' /proc/[0-9]*/environ | tr '\0' '\n' |
		sed -n 's|^/proc/\([0-9]*\)/environ:SLURMTEST_RUN=|\1 |p' || true
	# /proc/net/unix: Num RefCount Protocol Flags Type St Inode Path
	while read -r inode path; do
		find /proc/[0-9]*/fd -lname "socket:\[$inode\]" 2>/dev/null |
			awk -F/ -v dir="${path%/spool/*}" '{ print $3, dir }' || true
	done < <(awk '$8 ~ /\/slurm-test\.[^\/]*\/spool\// { print $7, $8 }' /proc/net/unix)
}

# _slurm_write_conf writes slurm.conf for one node: this host, with the CPUs and memory slurmd -C
# reports, no accounting, no cgroups, daemons and clients talking to this run's munged.
_slurm_write_conf() {
	local d=$SLURMTEST_DIR node
	# slurmd -C prints "NodeName=... CPUs=... ... RealMemory=..." then an UpTime line.
	node=$(slurmd -C | head -n 1)
	case $node in
	NodeName=*) ;;
	*) _slurm_die "slurmd -C printed no node line: $node" ;;
	esac
	_slurm_node=${node%% *}
	_slurm_node=${_slurm_node#NodeName=}
	cat >"$d/slurm.conf" <<EOF
# One-node test cluster written by slurm-test; everything lives under $d.
ClusterName=slurmtest
# The host's short name, as slurmd -C reports it; the addresses keep name resolution out of the
# way, so the host name need not resolve.
SlurmctldHost=$_slurm_node(127.0.0.1)
SlurmctldPort=$_slurm_ctld_port
SlurmdPort=$_slurm_slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.socket
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$d/plugstack.conf
TmpFS=$d/tmp
MailProg=/bin/true
# No cgroups: processes are tracked through /proc, tasks are not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
# Start queued batch jobs at once instead of up to 3 s later (the default batch_sched_delay).
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# A node that registers with a valid configuration is put back in service.
ReturnToService=2
$node State=UNKNOWN NodeAddr=127.0.0.1
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
	: >"$d/plugstack.conf"
}

# slurm_start starts munged, slurmctld and slurmd for a one-node cluster in a fresh temp dir and
# returns once the node is idle. It sets SLURMTEST_DIR, SLURMTEST_SHARED and SLURM_CONF.
slurm_start() {
	local d
	[ "$(id -u)" = 0 ] || _slurm_die "the test cluster runs its daemons as root (SlurmUser=root)"
	# A reader of our output that goes away (| head) must not kill this shell before it has cleaned up.
	trap '' PIPE
	SLURMTEST_LIFETIME=${SLURMTEST_LIFETIME:-900}
	_slurm_reap_stale
	d=$(mktemp -d "${TMPDIR:-/tmp}/slurm-test.XXXXXX")
	SLURMTEST_DIR=$d
	SLURMTEST_SHARED=$d/shared
	export SLURMTEST_DIR SLURMTEST_SHARED
	trap slurm_stop EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	echo "$$" >"$d/owner"
	: >"$d/pids"
	: >"$d/jobs"
	mkdir -p "$d/munge" "$d/state" "$d/spool" "$d/run" "$d/log" "$d/tmp" "$d/shared"
	# munged wants its socket directory (and the ones above it) searchable by everyone.
	chmod 755 "$d" "$d/munge"
	_slurm_pick_ports
	_slurm_write_conf
	export SLURM_CONF=$d/slurm.conf
	_slurm_log "cluster in $d, node $_slurm_node, ports $_slurm_ctld_port/$_slurm_slurmd_port"

	mungekey --create --keyfile="$d/munge/munge.key" >/dev/null ||
		_slurm_die "mungekey could not create $d/munge/munge.key"
	_slurm_spawn munged munged --foreground \
		--socket="$d/munge/munge.socket" --key-file="$d/munge/munge.key" \
		--log-file="$d/log/munged.log" --pid-file="$d/run/munged.pid" \
		--seed-file="$d/munge/munged.seed"
	# shellcheck disable=SC2016 # $1 is expanded by the inner sh
	_slurm_wait_for 20 "munged answering" \
		sh -c 'munge -n -S "$1" | unmunge -S "$1"' sh "$d/munge/munge.socket"

	_slurm_spawn slurmctld slurmctld -D -f "$SLURM_CONF"
	_slurm_wait_for 30 "slurmctld answering" scontrol ping

	_slurm_spawn slurmd slurmd -D -f "$SLURM_CONF" -N "$_slurm_node"
	_slurm_wait_for 30 "node $_slurm_node idle" _slurm_node_idle
	_slurm_log "node $_slurm_node idle"
}

_slurm_node_idle() {
	[ "$(sinfo -h -n "$_slurm_node" -o %t)" = idle ]
}

# _slurm_job_states prints one "TaskId State ExitCode" line per record of job $1 (an array job
# has one record per task once its tasks are split off, and one for the tasks still pending).
_slurm_job_states() {
	scontrol -o show job "$1" | awk '{
		id = "-"; st = ""; ec = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ArrayTaskId=/) id = substr($i, 13)
			if ($i ~ /^JobState=/) st = substr($i, 10)
			if ($i ~ /^ExitCode=/) ec = substr($i, 10)
		}
		print id, st, ec
	}'
}

# slurm_submit_wait SCRIPT [TIMEOUT] submits SCRIPT with sbatch, waits (at most TIMEOUT seconds,
# default 120) until every task of the job has ended, and sets SLURMTEST_JOBID to the job id. It
# fails, showing the job's records and the tails of the logs, unless every task COMPLETED with exit
# code 0. A COMPLETED task has not necessarily done its work: callers check what the tasks wrote.
slurm_submit_wait() {
	local script=$1 limit=${2:-120} out jobid deadline states=
	SLURMTEST_JOBID=
	out=$(SLURMTEST_RUN=$SLURMTEST_DIR sbatch --parsable "$script") || _slurm_die "sbatch $script failed"
	jobid=${out%%;*}
	echo "$jobid" >>"$SLURMTEST_DIR/jobs"
	_slurm_log "submitted $script as job $jobid"
	deadline=$((SECONDS + limit))
	# Done when there are records and none is in a state a job leaves on its own. A failed
	# scontrol (a busy controller) is polled again rather than taken for an answer.
	until states=$(_slurm_job_states "$jobid") && [ -n "$states" ] &&
		! awk '$2 ~ /^(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING|SIGNALING|STAGE_OUT)$/ { busy = 1 } END { exit !busy }' <<<"$states"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			printf '%s\n' "$states" >&2
			_slurm_die "job $jobid still running after ${limit}s"
		fi
		# slurmd drains its node when it cannot launch a job (a plugin failing to start, say);
		# the job then waits for ever, so stop waiting at once and say why.
		case $(sinfo -h -n "$_slurm_node" -o %t) in
		drain* | drng* | down* | fail*)
			_slurm_die "node $_slurm_node is $(sinfo -h -n "$_slurm_node" -o '%T: %E')"
			;;
		esac
		sleep 0.5
	done
	if awk '$2 != "COMPLETED" || $3 != "0:0" { bad = 1 } END { exit !bad }' <<<"$states"; then
		printf 'task state exit\n%s\n' "$states" >&2
		_slurm_die "job $jobid: not every task COMPLETED with exit code 0"
	fi
	_slurm_log "job $jobid: $(wc -l <<<"$states") tasks COMPLETED"
	# shellcheck disable=SC2034 # read by the caller
	SLURMTEST_JOBID=$jobid
}

# slurm_stop cancels the jobs this run submitted, stops the daemons it started by their recorded
# process ids (TERM, then KILL after 10 s), kills any process of this run still left (a slurmstepd
# or job task orphaned by the daemons), and removes the temp dir. It is safe to call twice and
# runs from the EXIT trap.
slurm_stop() {
	local rc=$? d=${SLURMTEST_DIR:-} pid name run jobs _
	# Nothing may interrupt the cleanup, not even a reader of our output that went away.
	trap '' INT TERM PIPE
	trap - EXIT
	if [ -n "$d" ] && [ -f "$d/pids" ]; then
		jobs=$(tr '\n' ' ' <"$d/jobs")
		if [ -n "${jobs// /}" ] && kill -0 "$(_slurm_pid_of slurmctld)" 2>/dev/null; then
			# shellcheck disable=SC2086 # one argument per job id
			timeout 10 scancel $jobs 2>/dev/null || true
			for _ in $(seq 1 50); do
				[ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
				sleep 0.2
			done
		fi
		# Stop in reverse order of starting: slurmd, slurmctld, munged.
		while read -r pid name; do
			kill -TERM "$pid" 2>/dev/null || continue
			for _ in $(seq 1 50); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.2
			done
			if kill -0 "$pid" 2>/dev/null; then
				_slurm_log "$name (pid $pid) ignored TERM for 10 s; killing its process group"
				kill -KILL -- "-$pid" 2>/dev/null || true
			fi
			wait "$pid" 2>/dev/null || true
			_slurm_log "stopped $name (pid $pid)"
		done < <(tac "$d/pids")
		while read -r pid run; do
			[ "$run" = "$d" ] || continue
			_slurm_log "killing leftover pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
			kill -KILL "$pid" 2>/dev/null || true
		done < <(_slurm_run_processes)
		if [ "${SLURMTEST_KEEP:-}" = 1 ]; then
			rm -f "$d/owner"
			_slurm_log "kept $d"
		else
			rm -rf "$d"
		fi
	fi
	SLURMTEST_DIR=
	trap - INT TERM
	return "$rc"
}
