import Mustache

// The drill-down pages answer Mustache's lookups themselves, as the other pages do
// (HistoryViews+Mustache.swift): a full table of 50 rows stays clear of reflection.

extension ItemView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "chrome": chrome
        case "kindLabel": kindLabel
        case "name": self.name
        case "sub": sub
        case "spotifyHref": spotifyHref
        case "stats": stats
        case "charts": charts
        case "sections": sections
        case "jsonHref": jsonHref
        case "browseHref": browseHref
        case "browseLabel": browseLabel
        default: nil
        }
    }
}

extension RowsSection: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "heading": heading
        case "nameColumn": nameColumn
        case "rows": rows
        case "hasRows": hasRows
        default: nil
        }
    }
}

extension ItemRowView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "rank": rank
        case "name": self.name
        case "href": href
        case "sub": sub
        case "plays": plays
        case "minutes": minutes
        case "first": first
        case "last": last
        default: nil
        }
    }
}

extension ItemTableView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "chrome": chrome
        case "heading": heading
        case "kinds": kinds
        case "presets": presets
        case "path": path
        case "from": from
        case "to": to
        case "sort": sort
        case "order": order
        case "query": query
        case "periodLabel": periodLabel
        case "timeZone": timeZone
        case "columns": columns
        case "rows": rows
        case "hasRows": hasRows
        case "summary": summary
        case "previousHref": previousHref
        case "nextHref": nextHref
        case "leastPlayedHref": leastPlayedHref
        case "clearHref": clearHref
        case "jsonHref": jsonHref
        default: nil
        }
    }
}

extension ItemTableView.ColumnView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "href": href
        case "ariaSort": ariaSort
        case "numeric": numeric
        case "arrow": arrow
        default: nil
        }
    }
}

extension HabitsView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "stats": stats
        case "longestHeading": longestHeading
        case "longestTracks": longestTracks
        case "hasLongestTracks": hasLongestTracks
        default: nil
        }
    }
}

extension HeatmapView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "width": width
        case "height": height
        case "cells": cells
        case "monthLabels": monthLabels
        case "dayLabels": dayLabels
        case "rows": rows
        case "description": description
        case "dayNumbers": dayNumbers
        default: nil
        }
    }
}

extension HeatmapView.Cell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "x": x
        case "y": y
        case "level": level
        case "label": label
        default: nil
        }
    }
}

extension HeatmapView.MonthRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "month": month
        case "days": days
        default: nil
        }
    }
}

extension NewMonthView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "month": month
        case "tracks": tracks
        case "artists": artists
        case "topArtists": topArtists
        case "topTracks": topTracks
        default: nil
        }
    }
}

extension ItemLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "href": href
        default: nil
        }
    }
}

extension LinkedLine: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "before": before
        case "name": self.name
        case "href": href
        case "after": after
        default: nil
        }
    }
}
