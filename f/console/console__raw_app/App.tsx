import React, { useCallback, useEffect, useRef, useState } from "react";
import type { JobLogs, JobSummary } from "../../lib/jobs.ts";
import { backend } from "./wmill";
import { JobsTable } from "./JobsTable";
import { JobDetail } from "./JobDetail";
import { formatTime } from "./format";

const REFRESH_MS = 5000;

type Recent = { source: "windmill" | "local"; jobs: JobSummary[] };

export default function App() {
  const [viewer, setViewer] = useState<string | null>(null);
  const [recent, setRecent] = useState<Recent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [logs, setLogs] = useState<JobLogs | null>(null);
  const [logsError, setLogsError] = useState<string | null>(null);
  const selectedRef = useRef<string | null>(null);
  selectedRef.current = selected;

  const loadLogs = useCallback(async (id: string) => {
    try {
      const out = (await backend.job_logs({ job_id: id })) as JobLogs;
      if (selectedRef.current !== id) return; // another job was picked meanwhile
      setLogs(out);
      setLogsError(null);
    } catch (e) {
      if (selectedRef.current === id) setLogsError((e as Error).message);
    }
  }, []);

  const refresh = useCallback(async () => {
    try {
      const out = (await backend.recent_jobs({ limit: 50 })) as Recent;
      setRecent(out);
      setError(null);
      setUpdatedAt(new Date());
      const id = selectedRef.current;
      const row = id ? out.jobs.find((j) => j.id === id) : undefined;
      if (id && row && !["success", "failure", "canceled"].includes(row.status)) void loadLogs(id);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [loadLogs]);

  useEffect(() => {
    backend.whoami({}).then((me: { email: string }) => setViewer(me.email), () => setViewer(null));
    void refresh();
    const timer = setInterval(() => {
      if (!document.hidden) void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const select = (id: string) => {
    setSelected(id);
    setLogs(null);
    setLogsError(null);
    void loadLogs(id);
  };

  return (
    <div className="console">
      <header className="topbar">
        <h1>Staff console</h1>
        <span className="viewer" data-testid="viewer">
          {viewer ? <>Viewing as <strong>{viewer}</strong></> : "…"}
        </span>
      </header>
      <main className="layout">
        <section className="panel jobs">
          <div className="panel-head">
            <h2>Recent jobs</h2>
            <span className="muted">
              {updatedAt ? `Updated ${formatTime(updatedAt.toISOString())} · refreshes every ${REFRESH_MS / 1000} s` : "Loading…"}
            </span>
            <button type="button" onClick={() => void refresh()}>Refresh</button>
          </div>
          {error && <div className="banner error" role="alert">Could not load jobs: {error}</div>}
          {recent && recent.jobs.length === 0 && <EmptyState />}
          {recent && recent.jobs.length > 0 && <JobsTable jobs={recent.jobs} selected={selected} onSelect={select} />}
        </section>
        <section className="panel detail">
          {selected ? (
            <JobDetail logs={logs} error={logsError} />
          ) : (
            <p className="muted hint">Select a job to see its logs.</p>
          )}
        </section>
      </main>
    </div>
  );
}

function EmptyState() {
  return (
    <div className="empty" data-testid="empty">
      <p className="empty-title">No jobs yet</p>
      <p className="muted">
        Jobs appear here as soon as they run: start one with <code>npx wm-local run f/&lt;folder&gt;/&lt;script&gt;</code>, or wait for a schedule.
      </p>
    </div>
  );
}
