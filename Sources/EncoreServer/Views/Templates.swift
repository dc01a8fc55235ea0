/// The page templates (Mustache), compiled into the binary so a copied executable needs no
/// resource folder. `{{x}}` escapes HTML; no template uses the unescaped form.
enum Templates {
    static let all: [String: String] = [
        "head": head, "foot": foot, "home": home, "top": top, "playlist": playlist, "error": error,
    ].merging(history) { first, _ in first }.merging(insights) { first, _ in first }

    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Encore</title>
        <link rel="stylesheet" href="/static/encore.css">
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
        <a class="brand" href="/">Encore</a>
        {{#chrome}}
        <nav aria-label="Main">
        <ul>
        <li><a href="/top/tracks"{{#onTracks}} aria-current="page"{{/onTracks}}>Top tracks</a></li>
        <li><a href="/top/artists"{{#onArtists}} aria-current="page"{{/onArtists}}>Top artists</a></li>
        <li><a href="/history"{{#onHistory}} aria-current="page"{{/onHistory}}>History</a></li>
        </ul>
        </nav>
        <form method="post" action="/logout" class="logout">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <button type="submit">Log out</button>
        </form>
        {{/chrome}}
        </header>
        <main id="main">

        """

    static let foot = """
        </main>
        <footer class="site"><p>Encore shows your listening from Spotify. Data and images © Spotify and its licensors.</p></footer>
        </body>
        </html>

        """

    static let home = """
        {{> head}}
        {{#profile}}
        <section class="card profile" aria-labelledby="profile-name">
        {{#avatarURL}}<img class="avatar" src="{{avatarURL}}" alt="" width="96" height="96">{{/avatarURL}}
        {{^avatarURL}}<div class="avatar placeholder" aria-hidden="true">{{initial}}</div>{{/avatarURL}}
        <div>
        <h1 id="profile-name">{{displayName}}</h1>
        {{#details}}<p class="muted">{{details}}</p>{{/details}}
        {{#profileURL}}<p><a href="{{profileURL}}" rel="noopener">Open your profile in Spotify</a></p>{{/profileURL}}
        </div>
        </section>
        <p class="grant{{#grantWarning}} warning{{/grantWarning}}" role="{{grantRole}}">{{grantMessage}}</p>
        <section class="card" aria-labelledby="explore">
        <h2 id="explore">Your listening</h2>
        <ul class="links">
        <li><a class="button" href="/top/tracks">Your top tracks</a></li>
        <li><a class="button secondary" href="/top/artists">Your top artists</a></li>
        <li><a class="button secondary" href="/history">Your listening history</a></li>
        </ul>
        </section>
        <section class="card" aria-labelledby="save">
        <h2 id="save">Save your top tracks as a playlist</h2>
        <form method="post" action="/playlists/from-top" class="save">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <label for="save-range">Period</label>
        <select id="save-range" name="time_range">
        {{#ranges}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/ranges}}
        </select>
        <button type="submit">Save as playlist</button>
        </form>
        <p class="muted">Creates a private playlist in your Spotify library.</p>
        </section>
        {{/profile}}
        {{^profile}}
        <section class="hero">
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <h1>Your Spotify, on repeat.</h1>
        <p>See the tracks and artists you play most — over the last month, six months or years — and keep them as a playlist.</p>
        <p><a class="button large" href="/login">Log in with Spotify</a></p>
        <p class="muted">Encore asks Spotify to read your profile and top items, and to create private playlists. Your sign-in stays on this server and is stored encrypted.</p>
        </section>
        {{/profile}}
        {{> foot}}
        """

    static let top = """
        {{> head}}
        <h1>{{heading}}</h1>
        <nav class="tabs" aria-label="Time range">
        <ul>
        {{#tabs}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/tabs}}
        </ul>
        </nav>
        {{#hasRows}}
        <table class="top">
        <caption>{{caption}}</caption>
        <thead>
        <tr><th scope="col" class="rank">#</th><th scope="col" class="cover"><span class="visually-hidden">{{imageColumn}}</span></th><th scope="col">{{titleColumn}}</th>{{#isTracks}}<th scope="col" class="album">Album</th><th scope="col" class="duration">Length</th>{{/isTracks}}{{^isTracks}}<th scope="col" class="album">Genres</th>{{/isTracks}}</tr>
        </thead>
        <tbody>
        {{#rows}}
        <tr>
        <td class="rank">{{rank}}</td>
        <td class="cover">{{#imageURL}}<img src="{{imageURL}}" alt="{{imageAlt}}" width="64" height="64">{{/imageURL}}</td>
        <td class="title"><a href="{{spotifyURL}}" rel="noopener">{{title}}</a>{{#subtitle}}<span class="sub">{{subtitle}}</span>{{/subtitle}}</td>
        <td class="album">{{detail}}</td>
        {{#duration}}<td class="duration">{{duration}}</td>{{/duration}}
        </tr>
        {{/rows}}
        </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
        {{#previousHref}}<a href="{{previousHref}}" rel="prev">Previous {{limit}}</a>{{/previousHref}}
        {{#nextHref}}<a href="{{nextHref}}" rel="next">Next {{limit}}</a>{{/nextHref}}
        </nav>
        {{/hasRows}}
        {{^hasRows}}<p class="card">Spotify has nothing here yet for this period. Listen a little more and come back.</p>{{/hasRows}}
        {{#isTracks}}{{#hasRows}}
        <form method="post" action="/playlists/from-top" class="save card">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <input type="hidden" name="time_range" value="{{timeRange}}">
        <button type="submit">Save as playlist</button>
        <span class="muted">A private playlist of these tracks.</span>
        </form>
        {{/hasRows}}{{/isTracks}}
        {{> foot}}
        """

    static let playlist = """
        {{> head}}
        <section class="card">
        <h1>Saved to Spotify</h1>
        <p>Your playlist <strong>{{name}}</strong> now holds {{trackCount}}.</p>
        {{#spotifyURL}}<p><a class="button" href="{{spotifyURL}}" rel="noopener">Open “{{name}}” in Spotify</a></p>{{/spotifyURL}}
        <p><a href="/top/tracks">Back to your top tracks</a></p>
        </section>
        {{> foot}}
        """

    static let error = """
        {{> head}}
        <section class="card error" role="alert">
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        {{#retryAfter}}<p class="muted">Try again in about {{retryAfter}} seconds.</p>{{/retryAfter}}
        {{#actionHref}}<p><a class="button" href="{{actionHref}}">{{actionLabel}}</a></p>{{/actionHref}}
        </section>
        {{> foot}}
        """
}
