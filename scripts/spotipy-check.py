#!/usr/bin/env python3
"""spotipy, unmodified from PyPI, driven against `encore emulator`.

  scripts/spotipy-check.py EMULATOR_URL CLIENT_ID CLIENT_SECRET

The emulator must auto-approve a Premium user (`--auto-approve maya`) and have
http://127.0.0.1:9000/callback registered. spotipy signs in with its own SpotifyOAuth (pointed
at the emulator's accounts endpoints), then searches, reads an album, builds and edits a
playlist, saves to and checks the library, lists followed artists and drives the player.
Exit status 0 when every step gives what Spotify would, 1 with the failing step otherwise.
"""
import sys
import urllib.parse

import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyOAuth

SCOPES = " ".join([
    "user-library-read", "user-library-modify", "user-follow-read", "playlist-read-private", "playlist-modify-private",
    "playlist-modify-public", "user-read-playback-state", "user-modify-playback-state", "user-read-currently-playing",
])


def sign_in(base, client_id, client_secret):
    oauth = SpotifyOAuth(
        client_id=client_id, client_secret=client_secret, redirect_uri="http://127.0.0.1:9000/callback", scope=SCOPES,
        open_browser=False, cache_handler=MemoryCacheHandler(),
    )
    # Endpoints are attributes spotipy reads from the instance: configuration, not a change.
    oauth.OAUTH_AUTHORIZE_URL = base + "/authorize"
    oauth.OAUTH_TOKEN_URL = base + "/api/token"
    hop = requests.get(oauth.get_authorize_url(), allow_redirects=False, timeout=10)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(hop.headers["Location"]).query)["code"][0]
    oauth.get_access_token(code, as_dict=False, check_cache=False)
    spotify = spotipy.Spotify(auth_manager=oauth, retries=0)
    spotify.prefix = base + "/v1/"
    return spotify


def main():
    base, client_id, client_secret = sys.argv[1:4]
    sp = sign_in(base.rstrip("/"), client_id, client_secret)
    steps = []

    def step(name, check):
        steps.append(name)
        if not check:
            raise AssertionError(name)

    found = sp.search("year:1990-1999", limit=10, type="track,album,artist")
    step("search: one page per type, at most 10", len(found["tracks"]["items"]) == 10 and "albums" in found and "artists" in found)
    album_id = found["tracks"]["items"][0]["album"]["id"]
    album = sp.album(album_id)
    step("album: with its tracks", album["id"] == album_id and album["tracks"]["total"] == album["total_tracks"])
    step("album tracks", sp.album_tracks(album_id)["total"] == album["total_tracks"])

    playlist = sp.current_user_playlist_create("spotipy check", public=False)
    uris = [track["uri"] for track in found["tracks"]["items"][:4]]
    sp.playlist_add_items(playlist["id"], uris)
    sp.playlist_reorder_items(playlist["id"], range_start=0, insert_before=4)
    order = [item["item"]["uri"] for item in sp.playlist_items(playlist["id"])["items"]]
    step("playlist: created, added, reordered", order == uris[1:] + uris[:1])
    sp.playlist_remove_all_occurrences_of_items(playlist["id"], [uris[1]])
    sp.playlist_change_details(playlist["id"], name="spotipy checked")
    details = sp.playlist(playlist["id"])
    step("playlist: removed and renamed", details["name"] == "spotipy checked" and details["items"]["total"] == 3)

    sp.current_user_saved_tracks_add([uris[0]])
    step("library: saved", sp.current_user_saved_tracks_contains([uris[0]]) == [True])
    sp.current_user_saved_tracks_delete([uris[0]])
    step("library: removed", sp.current_user_saved_tracks_contains([uris[0]]) == [False])
    step("followed artists", len(sp.current_user_followed_artists(limit=5)["artists"]["items"]) == 5)

    device = sp.devices()["devices"][0]["id"]
    sp.start_playback(device_id=device, context_uri=album["uri"])
    step("player: plays the album", sp.current_playback()["item"]["uri"] == album["tracks"]["items"][0]["uri"])
    sp.add_to_queue(uris[2])
    step("player: queue", sp.queue()["queue"][0]["uri"] == uris[2])
    sp.next_track()
    step("player: next plays the queued track", sp.currently_playing()["item"]["uri"] == uris[2])
    sp.volume(40)
    sp.shuffle(True)
    sp.repeat("context")
    sp.seek_track(1000)
    sp.pause_playback()
    state = sp.current_playback()
    step(
        "player: volume, shuffle, repeat, pause",
        state["device"]["volume_percent"] == 40 and state["shuffle_state"] and state["repeat_state"] == "context" and not state["is_playing"],
    )
    print(f"spotipy {spotipy.__version__ if hasattr(spotipy, '__version__') else ''}: {len(steps)} steps passed against {base}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as failed:
        print(f"FAIL: {failed}")
        sys.exit(1)
