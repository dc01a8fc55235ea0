import Mustache

// Mustache looks each `{{name}}` up through `Mirror` unless the value answers for itself. A
// top-tracks page of 50 rows makes about a thousand lookups, and Mirror made them most of the
// page's cost (docs/performance.md); a switch per type makes them nearly free. A name a type
// does not know answers nil, and Mustache then asks the enclosing value, as it does with Mirror.

extension Chrome: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "csrfToken": csrfToken
        case "onTracks": onTracks
        case "onArtists": onArtists
        case "onHistory": onHistory
        default: nil
        }
    }
}

extension HomeView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "chrome": chrome
        case "profile": profile
        case "notice": notice
        default: nil
        }
    }
}

extension ProfileCard: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "displayName": displayName
        case "initial": initial
        case "avatarURL": avatarURL
        case "details": details
        case "profileURL": profileURL
        case "grantMessage": grantMessage
        case "grantWarning": grantWarning
        case "grantRole": grantRole
        case "csrfToken": csrfToken
        case "ranges": ranges
        default: nil
        }
    }
}

extension RangeOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension TopView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "heading": heading
        case "caption": caption
        case "chrome": chrome
        case "tabs": tabs
        case "rows": rows
        case "hasRows": hasRows
        case "isTracks": isTracks
        case "imageColumn": imageColumn
        case "titleColumn": titleColumn
        case "timeRange": timeRange
        case "csrfToken": csrfToken
        case "limit": limit
        case "previousHref": previousHref
        case "nextHref": nextHref
        default: nil
        }
    }
}

extension NavLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "href": href
        case "current": current
        default: nil
        }
    }
}

extension TopView.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "rank": rank
        case "imageURL": imageURL
        case "imageAlt": imageAlt
        case "title": title
        case "subtitle": subtitle
        case "detail": detail
        case "duration": duration
        case "spotifyURL": spotifyURL
        default: nil
        }
    }
}

extension PlaylistView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "chrome": chrome
        case "name": self.name
        case "trackCount": trackCount
        case "spotifyURL": spotifyURL
        default: nil
        }
    }
}

extension ErrorView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "heading": heading
        case "message": message
        case "retryAfter": retryAfter
        case "actionHref": actionHref
        case "actionLabel": actionLabel
        case "chrome": chrome
        default: nil
        }
    }
}
