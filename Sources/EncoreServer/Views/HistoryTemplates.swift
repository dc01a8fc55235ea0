/// The listening-history pages. Charts are SVG drawn here, on the server: no script, nothing from
/// another host, and every chart has its numbers as a table too.
extension Templates {
    static let history: [String: String] = [
        "history": historyPage, "historyYear": yearPage, "chart": chart, "topList": topList, "statCards": statCards, "yearLinks": yearLinks,
    ]

    static let statCards = """
        <ul class="stats">
        {{#stats}}<li class="stat"><span class="stat-value">{{value}}</span> <span class="stat-label">{{label}}</span>{{#detail}} <span class="muted stat-detail">{{detail}}</span>{{/detail}}</li>{{/stats}}
        </ul>

        """

    static let chart = """
        <figure class="chart card" id="{{id}}">
        <figcaption><h3 id="{{id}}-title">{{heading}}</h3></figcaption>
        <svg viewBox="0 0 {{width}} {{height}}" role="img" aria-labelledby="{{id}}-title {{id}}-desc" preserveAspectRatio="none" class="chart-svg">
        <desc id="{{id}}-desc">{{description}}</desc>
        <line class="axis" x1="0" y1="{{baseline}}" x2="{{width}}" y2="{{baseline}}"/>
        {{#bars}}<rect class="bar" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{label}}</title></rect>{{/bars}}
        {{#ticks}}<text class="tick" x="{{x}}" y="{{y}}" text-anchor="{{anchor}}">{{label}}</text>{{/ticks}}
        </svg>
        <p class="muted chart-desc">{{description}}</p>
        <details>
        <summary>The numbers</summary>
        <table class="chart-table">
        <thead><tr><th scope="col">When</th>{{#hasMinutes}}<th scope="col">Minutes</th>{{/hasMinutes}}<th scope="col">Plays</th></tr></thead>
        <tbody>{{#rows}}<tr><th scope="row">{{label}}</th>{{#hasMinutes}}<td>{{minutes}}</td>{{/hasMinutes}}<td>{{plays}}</td></tr>{{/rows}}</tbody>
        </table>
        </details>
        </figure>

        """

    static let topList = """
        <section class="card toplist" id="{{id}}" aria-labelledby="{{id}}-heading">
        <h2 id="{{id}}-heading">{{heading}}</h2>
        {{#hasRows}}
        <div class="columns">
        <table class="top history">
        <caption>By plays</caption>
        <thead><tr><th scope="col" class="rank">#</th><th scope="col">{{nameColumn}}</th><th scope="col" class="num">Plays</th><th scope="col" class="num">Minutes</th></tr></thead>
        <tbody>
        {{#byPlays}}<tr><td class="rank">{{rank}}</td><td class="title">{{#href}}<a href="{{href}}">{{name}}</a>{{/href}}{{^href}}{{name}}{{/href}}{{#sub}}<span class="sub">{{sub}}</span>{{/sub}}{{#span}}<span class="sub when">{{span}}</span>{{/span}}</td><td class="num">{{plays}}</td><td class="num">{{minutes}}</td></tr>{{/byPlays}}
        </tbody>
        </table>
        <table class="top history">
        <caption>By minutes</caption>
        <thead><tr><th scope="col" class="rank">#</th><th scope="col">{{nameColumn}}</th><th scope="col" class="num">Minutes</th><th scope="col" class="num">Plays</th></tr></thead>
        <tbody>
        {{#byMinutes}}<tr><td class="rank">{{rank}}</td><td class="title">{{#href}}<a href="{{href}}">{{name}}</a>{{/href}}{{^href}}{{name}}{{/href}}{{#sub}}<span class="sub">{{sub}}</span>{{/sub}}</td><td class="num">{{minutes}}</td><td class="num">{{plays}}</td></tr>{{/byMinutes}}
        </tbody>
        </table>
        </div>
        {{/hasRows}}
        {{^hasRows}}<p class="muted">Nothing played in this period.</p>{{/hasRows}}
        {{#browseHref}}<p><a href="{{browseHref}}">{{browseLabel}}</a></p>{{/browseHref}}
        </section>

        """

    static let yearLinks = """
        {{#hasYears}}<nav class="years" aria-label="Years"><span class="muted">Your year in music:</span> <ul>{{#years}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/years}}</ul></nav>{{/hasYears}}

        """

    static let historyPage = """
        {{> head}}
        <h1>Your listening</h1>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <nav class="tabs" aria-label="Period">
        <ul>
        {{#presets}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/presets}}
        </ul>
        </nav>
        <form method="get" action="/history" class="period card">
        <label for="from">From</label> <input type="date" id="from" name="from" value="{{from}}" required>
        <label for="to">to</label> <input type="date" id="to" name="to" value="{{to}}" required>
        <button type="submit">Show</button>
        <span class="muted">{{periodLabel}} · days counted in {{timeZone}} · <a href="{{jsonHref}}">JSON</a></span>
        </form>
        {{> yearLinks}}
        {{#hasPlays}}
        {{> statCards}}
        <p class="muted">{{#firstPlay}}First play in this period: {{firstPlay}}.{{/firstPlay}} {{#latestPlay}}Latest: {{latestPlay}}.{{/latestPlay}}</p>
        {{#habits}}{{> habits}}{{/habits}}
        {{#charts}}{{> chart}}{{/charts}}
        {{#lists}}{{> topList}}{{/lists}}
        {{/hasPlays}}
        {{^hasPlays}}
        <section class="card"><h2>Nothing here yet</h2><p>Encore has no plays of yours in this period. Turn on recording below, or import the streaming history Spotify sends you.</p></section>
        {{/hasPlays}}
        <section class="card" id="recording" aria-labelledby="recording-heading">
        <h2 id="recording-heading">Recording</h2>
        {{#recording}}
        <p>{{status}}</p>
        {{#consentHref}}<p><a class="button" href="{{consentHref}}">{{buttonLabel}}</a></p>{{/consentHref}}
        {{^consentHref}}{{#available}}
        <form method="post" action="/history/recording">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <input type="hidden" name="on" value="{{#turnOn}}1{{/turnOn}}{{^turnOn}}0{{/turnOn}}">
        <button type="submit"{{^turnOn}} class="secondary"{{/turnOn}}>{{buttonLabel}}</button>
        </form>
        {{/available}}{{/consentHref}}
        {{/recording}}
        </section>
        <section class="card" id="import" aria-labelledby="import-heading">
        <h2 id="import-heading">Import your streaming history</h2>
        <p>Ask Spotify for your <strong>Extended streaming history</strong> (Account → Privacy settings), then upload the ZIP it sends, or its <code>Streaming_History_Audio_*.json</code> files. Importing twice adds nothing twice. Up to {{uploadLimit}}.</p>
        <form method="post" action="/history/import" enctype="multipart/form-data" class="upload">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <label for="history-files">Files</label>
        <input type="file" id="history-files" name="file" accept=".zip,.json,application/zip,application/json" multiple required>
        <button type="submit">Import</button>
        </form>
        {{#hasImports}}
        <table class="imports">
        <caption>Recent imports</caption>
        <thead><tr><th scope="col">File</th><th scope="col">State</th><th scope="col">What it did</th><th scope="col">When</th></tr></thead>
        <tbody>{{#imports}}<tr><td>{{fileName}}</td><td>{{state}}</td><td>{{details}}</td><td>{{when}}</td></tr>{{/imports}}</tbody>
        </table>
        {{/hasImports}}
        </section>
        <section class="card" id="settings" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Your time zone</h2>
        <form method="post" action="/history/time-zone" class="zone">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <label for="time-zone">Days and hours are counted in</label>
        <input type="text" id="time-zone" name="time_zone" value="{{timeZone}}" pattern="[A-Za-z0-9_+/-]+" maxlength="64" required>
        <button type="submit" class="secondary">Change</button>
        <span class="muted">An IANA name such as Europe/Berlin or America/New_York.</span>
        </form>
        </section>
        <section class="card danger" id="forget" aria-labelledby="forget-heading">
        <h2 id="forget-heading">Delete my history</h2>
        <form method="post" action="/history/forget">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <input type="checkbox" id="forget-confirm" name="confirm" value="yes" required>
        <label for="forget-confirm">Delete every play Encore keeps of mine, recorded or imported, and stop recording</label>
        <button type="submit" class="danger">Delete my history</button>
        </form>
        </section>
        {{> foot}}
        """

    static let yearPage = """
        {{> head}}
        <h1>Your {{year}} in music</h1>
        <nav class="pager" aria-label="Years">
        {{#previousHref}}<a href="{{previousHref}}" rel="prev">Previous year</a>{{/previousHref}}
        <a href="/history">All your listening</a>
        {{#nextHref}}<a href="{{nextHref}}" rel="next">Next year</a>{{/nextHref}}
        </nav>
        {{> yearLinks}}
        <section class="card recap" aria-labelledby="summary-heading">
        <h2 id="summary-heading">In short</h2>
        <p class="lead">{{summary}}</p>
        {{#hasLines}}<ul class="recap-lines">{{#lines}}<li>{{.}}</li>{{/lines}}{{#mostInADay}}<li>{{before}}<a href="{{href}}">{{name}}</a>{{after}}</li>{{/mostInADay}}</ul>{{/hasLines}}
        <p class="muted">To share it, copy the words above; the <a href="{{jsonHref}}">JSON</a> holds every figure.</p>
        </section>
        {{#hasPlays}}
        {{> statCards}}
        {{#habits}}{{> habits}}{{/habits}}
        {{#heatmap}}{{> heatmap}}{{/heatmap}}
        {{#charts}}{{> chart}}{{/charts}}
        {{#lists}}{{> topList}}{{/lists}}
        {{#hasNewMonths}}{{> newMonths}}{{/hasNewMonths}}
        {{/hasPlays}}
        {{> foot}}
        """
}
