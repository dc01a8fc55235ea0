/// The site icon: a record in Encore's green.
enum SiteIcon {
    static let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#111714"/><circle cx="32" cy="32" r="20" fill="none" stroke="#1ed760" stroke-width="3"/><circle cx="32" cy="32" r="6" fill="#1ed760"/></svg>

        """
}

/// The bundled stylesheet: served at `/static/encore.css`, no external fonts or scripts.
enum Stylesheet {
    static let css = """
        :root{--bg:#0f1412;--fg:#eef3f0;--muted:#a8b3ad;--card:#18201c;--line:#2a352f;--accent:#1ed760;--accent-fg:#05210f;--warn:#ffcf5c;--focus:#7cc4ff}
        @media (prefers-color-scheme: light){:root{--bg:#f6f8f7;--fg:#111714;--muted:#4d5852;--card:#fff;--line:#dfe5e1;--accent:#1a9e4b;--accent-fg:#fff;--warn:#8a5a00}}
        *{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;background:var(--bg);color:var(--fg)}
        body{margin:0;min-height:100vh;display:flex;flex-direction:column}
        a{color:inherit}
        a:focus-visible,button:focus-visible,select:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
        .skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem}
        .skip:focus{left:1rem;z-index:10}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        header.site{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.75rem 1.25rem;border-bottom:1px solid var(--line)}
        .brand{font-weight:800;font-size:1.25rem;text-decoration:none;letter-spacing:.02em}
        header nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
        header nav a{text-decoration:none;color:var(--muted)}
        header nav a[aria-current=page],header nav a:hover{color:var(--fg);text-decoration:underline}
        form.logout{margin-left:auto}
        main{flex:1;width:100%;max-width:64rem;margin:0 auto;padding:1.5rem 1.25rem}
        footer.site{color:var(--muted);font-size:.85rem;text-align:center;padding:1rem}
        h1{font-size:clamp(1.6rem,4vw,2.4rem);line-height:1.15;margin:.2rem 0 1rem}
        h2{font-size:1.2rem;margin:0 0 .75rem}
        .muted{color:var(--muted)}
        .card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.25rem;margin:0 0 1.25rem}
        .hero{max-width:40rem;margin:3rem auto;text-align:center}
        .notice{background:var(--card);border-left:4px solid var(--warn);padding:.75rem 1rem;text-align:left}
        .button,button{display:inline-block;font:inherit;font-weight:700;border:0;border-radius:999px;padding:.6rem 1.3rem;background:var(--accent);color:var(--accent-fg);text-decoration:none;cursor:pointer}
        .button.secondary,form.logout button{background:transparent;color:var(--fg);border:1px solid var(--line)}
        .button.large{font-size:1.15rem;padding:.85rem 1.8rem}
        .profile{display:flex;gap:1.25rem;align-items:center}
        .avatar{width:96px;height:96px;border-radius:50%;object-fit:cover;flex:none}
        .avatar.placeholder{display:grid;place-items:center;background:var(--line);font-size:2.5rem;font-weight:800}
        .grant{color:var(--muted)}
        .grant.warning{color:var(--warn);font-weight:600}
        ul.links{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;margin:0;padding:0}
        form.save{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
        select{font:inherit;padding:.45rem .6rem;border-radius:8px;border:1px solid var(--line);background:var(--bg);color:var(--fg)}
        .tabs ul{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;margin:0 0 1.25rem;padding:0}
        .tabs a{display:block;padding:.4rem 1rem;border-radius:999px;border:1px solid var(--line);text-decoration:none;color:var(--muted)}
        .tabs a[aria-current=page]{background:var(--fg);color:var(--bg);border-color:var(--fg)}
        table.top{width:100%;border-collapse:collapse;margin-bottom:1rem}
        table.top caption{text-align:left;color:var(--muted);padding-bottom:.5rem}
        table.top th{text-align:left;font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);border-bottom:1px solid var(--line);padding:.4rem .5rem}
        table.top td{padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:middle}
        td.rank,th.rank{width:2.5rem;text-align:right;color:var(--muted);font-variant-numeric:tabular-nums}
        td.cover{width:72px}
        td.cover img{display:block;width:64px;height:64px;border-radius:6px;object-fit:cover}
        td.title a{font-weight:650;text-decoration:none}
        td.title a:hover{text-decoration:underline}
        td.title .sub{display:block;color:var(--muted);font-size:.92rem}
        td.duration,th.duration{text-align:right;font-variant-numeric:tabular-nums;color:var(--muted)}
        td.album{color:var(--muted)}
        .pager{display:flex;justify-content:space-between;gap:1rem;margin-bottom:1.25rem}
        .error h1{margin-top:0}
        input[type=date],input[type=text],input[type=file]{font:inherit;padding:.4rem .55rem;border-radius:8px;border:1px solid var(--line);background:var(--bg);color:var(--fg)}
        form.period,form.zone,form.upload{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}
        ul.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:1rem;list-style:none;margin:0 0 1.25rem;padding:0}
        li.stat{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem}
        .stat-value{display:block;font-size:1.9rem;font-weight:800;font-variant-numeric:tabular-nums}
        .stat-label{display:block;font-weight:650}
        .stat-detail{display:block;font-size:.9rem}
        figure.chart{margin:0 0 1.25rem}
        figure.chart h3{margin:0 0 .5rem;font-size:1.05rem}
        svg.chart-svg{display:block;width:100%;height:12rem}
        svg.chart-svg .bar{fill:var(--accent)}
        svg.chart-svg .bar:hover{fill:var(--fg)}
        svg.chart-svg .axis{stroke:var(--line);stroke-width:1}
        svg.chart-svg .tick{fill:var(--muted);font-size:12px}
        .chart-desc{margin:.5rem 0 0}
        table.chart-table,table.imports{border-collapse:collapse;margin-top:.5rem;font-variant-numeric:tabular-nums}
        table.chart-table th,table.chart-table td,table.imports th,table.imports td{padding:.25rem .6rem;border-bottom:1px solid var(--line);text-align:left}
        .columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1.25rem}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        td.title .when{font-size:.8rem}
        nav.years{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:0 0 1.25rem}
        nav.years ul{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;margin:0;padding:0}
        nav.years a[aria-current=page]{font-weight:800}
        .recap .lead{font-size:1.2rem;font-weight:600}
        p.lead{font-size:1.1rem;margin-top:-.5rem}
        p.kind{margin:0;text-transform:uppercase;letter-spacing:.06em;font-size:.8rem}
        td.when,th.when{color:var(--muted);font-size:.85rem;white-space:nowrap}
        table.items th a{text-decoration:none;color:inherit}
        table.items th[aria-sort=ascending] a,table.items th[aria-sort=descending] a{color:var(--fg)}
        svg.heatmap{display:block;width:100%;height:auto;max-height:12rem}
        svg.heatmap .tick{fill:var(--muted);font-size:10px}
        svg.heatmap .heat0{fill:var(--line)}
        svg.heatmap .heat1{fill:var(--accent);fill-opacity:.3}
        svg.heatmap .heat2{fill:var(--accent);fill-opacity:.5}
        svg.heatmap .heat3{fill:var(--accent);fill-opacity:.75}
        svg.heatmap .heat4{fill:var(--accent)}
        .scroll{overflow-x:auto}
        table.heatmap-table td{padding:.15rem .3rem;font-size:.8rem}
        .danger{border-color:var(--warn)}
        button.danger{background:transparent;color:var(--warn);border:1px solid var(--warn)}
        button.secondary{background:transparent;color:var(--fg);border:1px solid var(--line)}
        @media (max-width:40rem){
          th.album,td.album,th.duration,td.duration,td.when,th.when{display:none}
          td.cover{width:56px} td.cover img{width:48px;height:48px}
          .profile{flex-direction:column;text-align:center}
          form.logout{margin-left:0}
        }
        @media (prefers-reduced-motion:reduce){*{transition:none!important}}

        """
}
