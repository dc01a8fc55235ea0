"""A large, realistic Extended Streaming History for scripts/bench --history.

    python3 bench/history_export.py --plays 1000000 --out FOLDER [--years 10] [--seed 1]

Writes Spotify's format (Streaming_History_Audio_YEAR_N.json, 30,000 entries a file, every
field of the real export) for one listener: a catalog of 20,000 tracks by 3,000 artists whose
plays follow a long tail (the 15 favourites are one artist's: about 8 % of all entries), in listening sessions through the day, a fifth of plays skipped early,
some podcast episodes and entries without a track. Standard library only.
"""
import argparse
import datetime
import json
import os
import random
import string

ALPHABET = string.digits + string.ascii_letters


def base62(rng, length=22):
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plays", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    artists = [f"Artist {i} {rng.choice(['Band', 'Collective', 'Trio', 'Project', ''])}".strip() for i in range(3_000)]
    albums = [(f"Album {i}", 0 if i < 5 else rng.randrange(len(artists))) for i in range(6_000)]
    tracks = []
    for i in range(20_000):
        # The 15 favourite tracks are on Artist 0's five albums: an artist with over 50,000 plays
        # in a million, for the artist page's figure.
        album = i % 5 if i < 15 else rng.randrange(len(albums))
        tracks.append((f"Track {i}", album, "spotify:track:" + base62(rng), rng.randint(95_000, 420_000)))
    # A long tail: track i is played about 1/(i+20) as often as the favourite.
    weights = [1.0 / (i + 20) for i in range(len(tracks))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    shows = [(f"Show {i}", ["spotify:episode:" + base62(rng) for _ in range(40)]) for i in range(30)]

    # The history ends a day ago, so "this year", "last year" and "all time" all hold plays.
    end = datetime.datetime.now(datetime.timezone.utc).timestamp() - 86_400
    span = args.years * 365.25 * 86_400
    start = end - span
    gap = span / args.plays  # mean seconds from one play to the next
    moment = start
    written = 0
    file_index = 0
    batch = []
    platforms = ["android", "ios", "windows", "osx", "web_player"]

    def flush():
        nonlocal batch, file_index
        if not batch:
            return
        year = datetime.datetime.fromtimestamp(min(moment, end), datetime.timezone.utc).year
        path = os.path.join(args.out, f"Streaming_History_Audio_{year}_{file_index}.json")
        with open(path, "w") as out:
            out.write("[\n" + ",\n".join(batch) + "\n]\n")
        file_index += 1
        batch = []

    while written < args.plays:
        # Sessions: mostly back to back, now and then a long pause; on average `gap` apart.
        moment += rng.expovariate(1 / (gap * 4.6)) if rng.random() < 0.1 else gap * rng.uniform(0.2, 1.0)
        ts = datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        entry = {
            "ts": ts, "platform": rng.choice(platforms), "ms_played": 0, "conn_country": "SE", "ip_addr": "192.0.2.1",
            "master_metadata_track_name": None, "master_metadata_album_artist_name": None, "master_metadata_album_album_name": None,
            "spotify_track_uri": None, "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
            "audiobook_title": None, "audiobook_uri": None, "audiobook_chapter_uri": None, "audiobook_chapter_title": None,
            "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": rng.random() < 0.3, "skipped": False,
            "offline": False, "offline_timestamp": None, "incognito_mode": False,
        }
        draw = rng.random()
        if draw < 0.03:
            show, episodes = rng.choice(shows)
            entry.update(episode_name=f"{show}, episode {rng.randrange(200)}", episode_show_name=show,
                         spotify_episode_uri=rng.choice(episodes), ms_played=rng.randint(60_000, 3_600_000))
        elif draw < 0.035:
            entry["ms_played"] = rng.randint(0, 20_000)  # an entry Spotify no longer knows
        else:
            index = min(len(tracks) - 1, _bisect(cumulative, rng.random() * total))
            name, album, uri, length = tracks[index]
            album_name, artist = albums[album]
            skipped = rng.random() < 0.2
            entry.update(master_metadata_track_name=name, master_metadata_album_artist_name=artists[artist],
                         master_metadata_album_album_name=album_name, spotify_track_uri=uri,
                         ms_played=rng.randint(500, 30_000) if skipped else length, skipped=skipped,
                         reason_end="fwdbtn" if skipped else "trackdone")
        batch.append(json.dumps(entry, ensure_ascii=False))
        written += 1
        if len(batch) == 30_000:
            flush()
    flush()
    print(f"{written} plays in {file_index} files under {args.out}")


def _bisect(cumulative, value):
    low, high = 0, len(cumulative)
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


if __name__ == "__main__":
    main()
