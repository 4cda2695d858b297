/// The console's one stylesheet, served from `/static/console.css` (the Content-Security-Policy
/// allows styles from the console itself only): readable on a phone, clean on paper.
enum ConsoleStyle {
    static let css = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --accent: #0b5cad;
          --bad: #b42318; --warn: #b54708; --ok: #067647; --bg: #f6f7f9; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "Noto Sans CJK KR", sans-serif;
          color: var(--ink); background: var(--bg); }
        header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem;
          padding: .6rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
        nav { display: flex; flex-wrap: wrap; gap: .9rem; align-items: baseline; }
        nav a { color: var(--accent); text-decoration: none; }
        nav a:hover { text-decoration: underline; }
        .user { color: var(--muted); font-size: .9em; }
        main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.4rem; margin: .3rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.4rem 0 .6rem; }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
        th, td { padding: .45rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { background: #eef1f4; font-weight: 600; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        a { color: var(--accent); }
        .sev, .status { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85em;
          border: 1px solid currentColor; white-space: nowrap; }
        .sev.critical, .status.failed, .status.abandoned { color: var(--bad); }
        .sev.warning, .status.running, .status.aborted { color: var(--warn); }
        .sev.info, .status.succeeded, .status.fixed, .status.resolved { color: var(--ok); }
        .status.ignored, .status.open { color: var(--muted); }
        .notice { background: #fff8e6; border: 1px solid #f3d58a; padding: .7rem .9rem; border-radius: .4rem; }
        .done { background: #e8f6ee; border: 1px solid #9bd3b0; padding: .7rem .9rem; border-radius: .4rem; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff;
          border: 1px solid var(--line); padding: .8rem 1rem; border-radius: .4rem; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; overflow-wrap: anywhere; }
        .facts.small { border: 0; padding: 0; font-size: .92em; }
        .error { color: var(--bad); }
        .filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; margin-bottom: 1rem; }
        .filters label { display: flex; flex-direction: column; font-size: .9em; color: var(--muted); }
        select, textarea, button { font: inherit; }
        select { padding: .3rem; min-width: 10rem; }
        button, .button { display: inline-block; padding: .45rem .9rem; border-radius: .4rem; border: 1px solid var(--accent);
          background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); }
        .cards { list-style: none; padding: 0; margin: 0; display: grid; gap: .8rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: .8rem 1rem; }
        .card .head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
        .detail { margin: .5rem 0; overflow-wrap: anywhere; }
        code { font-size: .9em; overflow-wrap: anywhere; }
        .resolve { display: grid; gap: .4rem; margin-top: .6rem; border-top: 1px dashed var(--line); padding-top: .6rem; }
        .resolve label { font-size: .9em; color: var(--muted); }
        .resolve textarea { width: 100%; padding: .4rem; }
        .buttons { display: flex; gap: .5rem; }
        .actions { display: flex; flex-wrap: wrap; gap: .6rem; margin-top: 1rem; }
        @media (max-width: 640px) {
          main { padding: .6rem; }
          table.runs thead { display: none; }
          table.runs, table.runs tbody, table.runs tr, table.runs td { display: block; width: 100%; }
          table.runs tr { border-bottom: 2px solid var(--line); padding: .3rem 0; }
          table.runs td { border: 0; padding: .15rem .6rem; text-align: left; }
          table.runs td::before { content: attr(data-label) ": "; color: var(--muted); }
          .facts { grid-template-columns: 1fr; }
          .filters label, select { width: 100%; }
          button { padding: .6rem 1rem; }
        }
        @media print {
          body { background: #fff; font-size: 11pt; }
          header nav a, .filters, .resolve, .actions, .user, .done { display: none; }
          header { border: 0; padding: 0; }
          main { max-width: none; padding: 0; }
          .card, table, .facts { border-color: #999; break-inside: avoid; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
