import Mustache

// The history pages answer Mustache's lookups themselves, as the other pages do
// (ViewModels+Mustache.swift): through `Mirror` a page of three charts and six top lists spent
// most of its time in reflection (measured: about 25 ms of a 28 ms "last 7 days" page).

extension HistoryView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "chrome": chrome
        case "periodLabel": periodLabel
        case "presets": presets
        case "from": from
        case "to": to
        case "timeZone": timeZone
        case "jsonHref": jsonHref
        case "hasPlays": hasPlays
        case "stats": stats
        case "firstPlay": firstPlay
        case "latestPlay": latestPlay
        case "charts": charts
        case "lists": lists
        case "recording": recording
        case "imports": imports
        case "hasImports": hasImports
        case "years": years
        case "hasYears": hasYears
        case "csrfToken": csrfToken
        case "notice": notice
        case "uploadLimit": uploadLimit
        case "habits": habits
        default: nil
        }
    }
}

extension RecapView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "chrome": chrome
        case "year": year
        case "hasPlays": hasPlays
        case "stats": stats
        case "summary": summary
        case "lines": lines
        case "hasLines": hasLines
        case "charts": charts
        case "lists": lists
        case "years": years
        case "hasYears": hasYears
        case "jsonHref": jsonHref
        case "previousHref": previousHref
        case "nextHref": nextHref
        case "habits": habits
        case "heatmap": heatmap
        case "newMonths": newMonths
        case "hasNewMonths": hasNewMonths
        case "mostInADay": mostInADay
        default: nil
        }
    }
}

extension Stat: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "value": value
        case "detail": detail
        default: nil
        }
    }
}

extension RecordingView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "on": on
        case "status": status
        case "buttonLabel": buttonLabel
        case "turnOn": turnOn
        case "available": available
        case "consentHref": consentHref
        default: nil
        }
    }
}

extension ImportRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "fileName": fileName
        case "state": state
        case "details": details
        case "when": when
        default: nil
        }
    }
}

extension ChartView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "heading": heading
        case "description": description
        case "width": width
        case "height": height
        case "bars": bars
        case "ticks": ticks
        case "rows": rows
        case "baseline": baseline
        case "hasMinutes": hasMinutes
        default: nil
        }
    }
}

extension ChartView.Bar: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "x": x
        case "y": y
        case "width": width
        case "height": height
        case "label": label
        default: nil
        }
    }
}

extension ChartView.Tick: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "x": x
        case "y": y
        case "label": label
        case "anchor": anchor
        default: nil
        }
    }
}

extension ChartView.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "minutes": minutes
        case "plays": plays
        default: nil
        }
    }
}

extension TopListView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "heading": heading
        case "nameColumn": nameColumn
        case "byPlays": byPlays
        case "byMinutes": byMinutes
        case "hasRows": hasRows
        case "browseHref": browseHref
        case "browseLabel": browseLabel
        default: nil
        }
    }
}

extension TopListView.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "rank": rank
        case "name": self.name
        case "sub": sub
        case "plays": plays
        case "minutes": minutes
        case "span": span
        case "href": href
        default: nil
        }
    }
}
