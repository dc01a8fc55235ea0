/// The drill-down pages: an item's story, every item of a period, sessions and streaks, the
/// recap's calendar. As on the other history pages, charts are SVG drawn here with their numbers
/// as tables.
extension Templates {
    static let insights: [String: String] = [
        "historyItem": itemPage, "historyTable": tablePage, "itemRows": itemRows, "habits": habits, "heatmap": heatmap, "newMonths": newMonths,
    ]

    static let itemRows = """
        <section class="card" id="{{id}}" aria-labelledby="{{id}}-heading">
        <h2 id="{{id}}-heading">{{heading}}</h2>
        {{#hasRows}}
        <table class="top history items">
        <thead><tr><th scope="col" class="rank">#</th><th scope="col">{{nameColumn}}</th><th scope="col" class="num">Plays</th><th scope="col" class="num">Minutes</th><th scope="col" class="when">First played</th><th scope="col" class="when">Latest</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td class="rank">{{rank}}</td><td class="title"><a href="{{href}}">{{name}}</a>{{#sub}}<span class="sub">{{sub}}</span>{{/sub}}</td><td class="num">{{plays}}</td><td class="num">{{minutes}}</td><td class="when">{{first}}</td><td class="when">{{last}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p class="muted">Nothing played.</p>{{/hasRows}}
        </section>

        """

    static let itemPage = """
        {{> head}}
        <p class="muted kind">{{kindLabel}} · <a href="/history">Your listening</a> · <a href="{{browseHref}}">{{browseLabel}}</a></p>
        <h1>{{name}}</h1>
        {{#sub}}<p class="lead">{{sub}}</p>{{/sub}}
        <p class="muted">Over all your history. <a href="{{jsonHref}}">JSON</a>{{#spotifyHref}} · <a href="{{spotifyHref}}" rel="noopener">Open in Spotify</a>{{/spotifyHref}}</p>
        {{> statCards}}
        {{#charts}}{{> chart}}{{/charts}}
        {{#sections}}{{> itemRows}}{{/sections}}
        {{> foot}}
        """

    static let tablePage = """
        {{> head}}
        <h1>{{heading}}</h1>
        <nav class="tabs" aria-label="What to list">
        <ul>{{#kinds}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/kinds}}</ul>
        </nav>
        <nav class="tabs" aria-label="Period">
        <ul>{{#presets}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/presets}}</ul>
        </nav>
        <form method="get" action="{{path}}" class="period card">
        <label for="from">From</label> <input type="date" id="from" name="from" value="{{from}}" required>
        <label for="to">to</label> <input type="date" id="to" name="to" value="{{to}}" required>
        <label for="q">Names with</label> <input type="text" id="q" name="q" value="{{query}}" maxlength="100">
        <input type="hidden" name="sort" value="{{sort}}">
        <input type="hidden" name="order" value="{{order}}">
        <button type="submit">Show</button>
        {{#clearHref}}<a href="{{clearHref}}">Clear the filter</a>{{/clearHref}}
        </form>
        <p class="muted">{{summary}} {{periodLabel}} · days counted in {{timeZone}} · <a href="{{leastPlayedHref}}">Least played first</a> · <a href="{{jsonHref}}">JSON</a></p>
        {{#hasRows}}
        <table class="top history items" id="items">
        <thead><tr><th scope="col" class="rank">#</th>{{#columns}}<th scope="col" aria-sort="{{ariaSort}}"{{#numeric}} class="num"{{/numeric}}><a href="{{href}}">{{label}}{{arrow}}</a></th>{{/columns}}</tr></thead>
        <tbody>
        {{#rows}}<tr><td class="rank">{{rank}}</td><td class="title"><a href="{{href}}">{{name}}</a>{{#sub}}<span class="sub">{{sub}}</span>{{/sub}}</td><td class="num">{{plays}}</td><td class="num">{{minutes}}</td><td class="when">{{first}}</td><td class="when">{{last}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<section class="card"><p>Nothing matches in this period.</p></section>{{/hasRows}}
        <nav class="pager" aria-label="Pages">
        {{#previousHref}}<a href="{{previousHref}}" rel="prev">Previous page</a>{{/previousHref}}{{^previousHref}}<span></span>{{/previousHref}}
        {{#nextHref}}<a href="{{nextHref}}" rel="next">Next page</a>{{/nextHref}}
        </nav>
        {{> foot}}
        """

    static let habits = """
        <section class="card" id="habits" aria-labelledby="habits-heading">
        <h2 id="habits-heading">Sessions and streaks</h2>
        <p class="muted">A session runs while each play starts within 15 minutes of the last one's end; a streak is days in a row with a play.</p>
        {{> statCards}}
        {{#hasLongestTracks}}
        <details>
        <summary>{{longestHeading}}</summary>
        <table class="top history">
        <thead><tr><th scope="col" class="rank">#</th><th scope="col">Track</th><th scope="col" class="num">Plays</th><th scope="col" class="num">Minutes</th></tr></thead>
        <tbody>{{#longestTracks}}<tr><td class="rank">{{rank}}</td><td class="title"><a href="{{href}}">{{name}}</a>{{#sub}}<span class="sub">{{sub}}</span>{{/sub}}</td><td class="num">{{plays}}</td><td class="num">{{minutes}}</td></tr>{{/longestTracks}}</tbody>
        </table>
        </details>
        {{/hasLongestTracks}}
        </section>

        """

    static let heatmap = """
        <figure class="chart card" id="calendar">
        <figcaption><h3 id="calendar-title">Every day of the year</h3></figcaption>
        <svg viewBox="0 0 {{width}} {{height}}" role="img" aria-labelledby="calendar-title calendar-desc" class="heatmap">
        <desc id="calendar-desc">{{description}}</desc>
        {{#cells}}<rect class="heat{{level}}" x="{{x}}" y="{{y}}" width="13" height="13" rx="2"><title>{{label}}</title></rect>{{/cells}}
        {{#monthLabels}}<text class="tick" x="{{x}}" y="{{y}}">{{label}}</text>{{/monthLabels}}
        {{#dayLabels}}<text class="tick" x="{{x}}" y="{{y}}">{{label}}</text>{{/dayLabels}}
        </svg>
        <p class="muted chart-desc">{{description}}</p>
        <details>
        <summary>The numbers (minutes per day)</summary>
        <div class="scroll">
        <table class="chart-table heatmap-table">
        <thead><tr><th scope="col">Month</th>{{#dayNumbers}}<th scope="col">{{.}}</th>{{/dayNumbers}}</tr></thead>
        <tbody>{{#rows}}<tr><th scope="row">{{month}}</th>{{#days}}<td>{{.}}</td>{{/days}}</tr>{{/rows}}</tbody>
        </table>
        </div>
        </details>
        </figure>

        """

    static let newMonths = """
        <section class="card" id="new" aria-labelledby="new-heading">
        <h2 id="new-heading">New to you, month by month</h2>
        <table class="top history">
        <thead><tr><th scope="col">Month</th><th scope="col" class="num">New tracks</th><th scope="col" class="num">New artists</th><th scope="col">Artists first heard</th><th scope="col">Tracks first heard</th></tr></thead>
        <tbody>{{#newMonths}}<tr><th scope="row">{{month}}</th><td class="num">{{tracks}}</td><td class="num">{{artists}}</td><td>{{#topArtists}}<a href="{{href}}">{{name}}</a> {{/topArtists}}</td><td>{{#topTracks}}<a href="{{href}}">{{name}}</a> {{/topTracks}}</td></tr>{{/newMonths}}</tbody>
        </table>
        </section>

        """
}
