#pragma once
// Pure L1 cache policy of the cache actor: W-TinyLFU with a TTL. No CAF, no I/O, no threads.
//
// Layout (the W-TinyLFU of Einziger, Friedman and Manes, as in Caffeine, without its adaptive
// window): a small LRU window (~1% of max_entries, at least 1) takes every new key; the main space
// is a segmented LRU, probation (~20%) and protected (~80%). When the window overflows, its LRU
// entry (the candidate) either moves to probation for free (main space not full) or competes with
// probation's LRU entry (the victim): the candidate is admitted only if its estimated access
// frequency is strictly higher, otherwise the candidate is dropped. A hit in probation promotes to
// protected; protected overflow demotes its LRU entry back to probation. So a scan of keys read once
// passes through the window and the probation tail without displacing keys read often.
//
// Frequencies come from a count-min sketch of 4-bit counters over every read (get(), hit or miss),
// halved every 10 x max_entries reads so that old popularity fades. Writes (put(), peek_mut()) do
// not count as accesses.
//
// Expiry is lazy: an entry is gone once now >= (time of its insert or last put) + ttl; get(),
// peek_mut() and put() remove an expired entry they meet, and put() also sweeps a few expired entries
// from the LRU ends of the segments. Expired entries nobody touches still take room until they
// reach an LRU end or are chosen as candidate/victim (then they lose without a comparison).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "messages/time.hpp"

namespace cs {

struct l1_limits {
  std::size_t max_entries = 0; // > 0
  duration_ns ttl = 0;         // > 0: an entry older than this (since insert or last put) is gone
};

// Identity, at every moment: inserts == size() + evictions + rejections + expirations + erases.
struct l1_counters {
  std::uint64_t hits = 0;        // get() found a live entry
  std::uint64_t misses = 0;      // get() found nothing, or an expired entry
  std::uint64_t inserts = 0;     // put() of a key not present (or present but expired)
  std::uint64_t evictions = 0;   // an entry dropped to make room (probation victim, or the window
                                 // candidate when the main space has no room at all)
  std::uint64_t rejections = 0;  // a window candidate that lost the admission comparison
  std::uint64_t expirations = 0; // an expired entry removed (by get, peek_mut, put or a sweep)
  std::uint64_t erases = 0;      // erase() that removed an entry
};

// Count-min sketch with 4-bit saturating counters, 4 rows; estimates how often a key was seen.
// Sized from the cache's capacity: one 64-bit word (16 counters) per entry, rounded up to a power
// of two. Every 10 x max_entries increments all counters are halved (aging).
class frequency_sketch {
public:
  explicit frequency_sketch(std::size_t max_entries);

  // `hash` is the key's hash as the cache's Hash gives it; it is mixed here for each row, so a weak
  // hash (std::hash of an integer is the identity) is fine.
  void increment(std::uint64_t hash);
  // Minimum over the rows, 0..15.
  unsigned estimate(std::uint64_t hash) const;

  std::uint64_t sample_size() const { return sample_size_; }
  std::uint64_t halvings() const { return halvings_; }
  std::size_t memory_bytes() const { return table_.size() * sizeof(std::uint64_t); }

  static constexpr unsigned max_count = 15;
  static constexpr unsigned rows = 4;

private:
  void halve();

  std::vector<std::uint64_t> table_;
  std::uint64_t mask_ = 0;
  std::uint64_t sample_size_ = 0;
  std::uint64_t additions_ = 0;
  std::uint64_t halvings_ = 0;
};

// Thread-safety: none; one owner (the cache actor).
// Not copyable or movable (entries link to each other): keep it in place, in a std::optional or
// behind a std::unique_ptr.
template <class Key, class Value, class Hash = std::hash<Key>>
class tinylfu_cache {
public:
  // Throws std::invalid_argument unless max_entries > 0 and ttl > 0.
  explicit tinylfu_cache(l1_limits limits)
      : limits_(checked(limits)), window_max_(window_capacity(limits.max_entries)),
        main_max_(limits.max_entries - window_max_), protected_max_(main_max_ * 4 / 5),
        sketch_(limits.max_entries) {
    map_.reserve(limits.max_entries);
  }
  tinylfu_cache(const tinylfu_cache&) = delete;
  tinylfu_cache& operator=(const tinylfu_cache&) = delete;

  // Lookup for a read: counts a hit or a miss, records the access in the frequency sketch, promotes
  // within the segments. nullptr on miss or expiry (an expired entry is removed and counted).
  // The pointer stays valid until the next non-const call.
  const Value* get(const Key& k, timestamp_ns now) {
    sketch_.increment(hash_of(k));
    const auto it = map_.find(k);
    if (it == map_.end()) {
      ++counters_.misses;
      return nullptr;
    }
    node* n = &*it;
    if (expired(n, now)) {
      remove(n);
      ++counters_.expirations;
      ++counters_.misses;
      return nullptr;
    }
    ++counters_.hits;
    on_hit(n);
    return &n->second.value;
  }

  // Lookup for an update (write-through of new data): no hit/miss counting, no frequency increment,
  // no reordering, and the TTL is not refreshed (put() does that). Expired -> nullptr (and removed).
  // The returned pointer stays valid until the next non-const call.
  Value* peek_mut(const Key& k, timestamp_ns now) {
    const auto it = map_.find(k);
    if (it == map_.end()) return nullptr;
    node* n = &*it;
    if (expired(n, now)) {
      remove(n);
      ++counters_.expirations;
      return nullptr;
    }
    return &n->second.value;
  }

  // Inserts or replaces. Replacing a live entry refreshes its TTL and keeps its place (a write is
  // not a read). A new key goes to the window's MRU end; when the window overflows, its LRU entry
  // competes with probation's LRU entry and the less frequent one is dropped (an eviction, or a
  // rejection when the window candidate loses). The new entry itself always enters the window, so
  // with this policy the result is always true; false would mean the new entry was not kept.
  bool put(const Key& k, Value v, timestamp_ns now) {
    sweep(now);
    const std::uint64_t h = hash_of(k);
    if (const auto it = map_.find(k); it != map_.end()) {
      node* n = &*it;
      if (!expired(n, now)) {
        n->second.value = std::move(v);
        n->second.expires_at = deadline(now);
        return true;
      }
      remove(n);
      ++counters_.expirations;
    }
    const auto [it, inserted] = map_.try_emplace(k, std::move(v), deadline(now), h);
    (void)inserted;
    node* n = &*it;
    push_front(window_, n, segment::window);
    ++counters_.inserts;
    if (window_.size > window_max_) admit_from_window(now);
    return true;
  }

  bool erase(const Key& k) {
    const auto it = map_.find(k);
    if (it == map_.end()) return false;
    remove(&*it);
    ++counters_.erases;
    return true;
  }

  std::size_t size() const { return map_.size(); }
  const l1_counters& counters() const { return counters_; }
  const l1_limits& limits() const { return limits_; }

  // Introspection, for stats and tests.
  struct segment_sizes {
    std::size_t window = 0, probation = 0, protected_ = 0;
    std::size_t window_max = 0, main_max = 0, protected_max = 0;
  };
  segment_sizes segments() const {
    return {window_.size, probation_.size, protected_.size, window_max_, main_max_, protected_max_};
  }
  // Estimated read frequency of a key (0..15), as the admission comparison sees it.
  unsigned frequency(const Key& k) const { return sketch_.estimate(hash_of(k)); }
  const frequency_sketch& sketch() const { return sketch_; }
  // Walks every segment (O(size)) and checks links, segment tags, counts and bounds. For tests.
  bool invariants_hold() const {
    std::size_t total = 0;
    for (const auto* l : {&window_, &probation_, &protected_}) {
      const node* prev = nullptr;
      std::size_t count = 0;
      for (const node* n = l->head; n != nullptr; n = n->second.next) {
        if (n->second.prev != prev || n->second.seg != l->seg) return false;
        const auto it = map_.find(n->first);
        if (it == map_.end() || &*it != n) return false;
        prev = n;
        ++count;
      }
      if (l->tail != prev || count != l->size) return false;
      total += count;
    }
    return total == map_.size() && window_.size <= window_max_ &&
           probation_.size + protected_.size <= main_max_ && protected_.size <= protected_max_ &&
           map_.size() <= limits_.max_entries;
  }

private:
  enum class segment : std::uint8_t { window, probation, protected_ };

  struct entry;
  // A map node; the segments are intrusive doubly linked lists through the nodes, which
  // std::unordered_map never moves (rehashing keeps references valid).
  using node = std::pair<const Key, entry>;
  struct entry {
    entry(Value v, timestamp_ns exp, std::uint64_t h) : value(std::move(v)), expires_at(exp), hash(h) {}
    Value value;
    timestamp_ns expires_at;
    std::uint64_t hash; // Hash of the key, kept for the admission comparison
    node* prev = nullptr; // towards the MRU end
    node* next = nullptr; // towards the LRU end
    segment seg = segment::window;
  };
  struct list {
    explicit list(segment s) : seg(s) {}
    node* head = nullptr; // MRU
    node* tail = nullptr; // LRU
    std::size_t size = 0;
    segment seg;
  };

  // Entries checked at each LRU end per put(); bounded work.
  static constexpr int sweep_per_segment = 2;

  static l1_limits checked(l1_limits l) {
    if (l.max_entries == 0) throw std::invalid_argument("l1_limits.max_entries must be > 0");
    if (l.ttl <= 0) throw std::invalid_argument("l1_limits.ttl must be > 0");
    return l;
  }
  static std::size_t window_capacity(std::size_t max_entries) {
    const std::size_t w = max_entries / 100;
    return w == 0 ? 1 : w;
  }

  std::uint64_t hash_of(const Key& k) const { return static_cast<std::uint64_t>(hash_(k)); }
  // now + ttl, saturating at the largest timestamp.
  timestamp_ns deadline(timestamp_ns now) const {
    return now > INT64_MAX - limits_.ttl ? INT64_MAX : now + limits_.ttl;
  }
  static bool expired(const node* n, timestamp_ns now) { return now >= n->second.expires_at; }

  list& list_of(segment s) {
    switch (s) {
    case segment::window: return window_;
    case segment::probation: return probation_;
    case segment::protected_: return protected_;
    }
    return window_; // unreachable
  }

  void push_front(list& l, node* n, segment s) {
    entry& e = n->second;
    e.seg = s;
    e.prev = nullptr;
    e.next = l.head;
    if (l.head != nullptr) l.head->second.prev = n;
    l.head = n;
    if (l.tail == nullptr) l.tail = n;
    ++l.size;
  }
  void unlink(node* n) {
    entry& e = n->second;
    list& l = list_of(e.seg);
    (e.prev != nullptr ? e.prev->second.next : l.head) = e.next;
    (e.next != nullptr ? e.next->second.prev : l.tail) = e.prev;
    e.prev = e.next = nullptr;
    --l.size;
  }
  void move_to_front(list& to, node* n, segment s) {
    unlink(n);
    push_front(to, n, s);
  }
  // Unlinks and destroys the node; counting is the caller's.
  void remove(node* n) {
    unlink(n);
    map_.erase(map_.find(n->first));
  }

  void on_hit(node* n) {
    switch (n->second.seg) {
    case segment::window: move_to_front(window_, n, segment::window); break;
    case segment::protected_: move_to_front(protected_, n, segment::protected_); break;
    case segment::probation:
      move_to_front(protected_, n, segment::protected_);
      if (protected_.size > protected_max_) move_to_front(probation_, protected_.tail, segment::probation);
      break;
    }
  }

  // The window holds one entry too many: its LRU entry moves to the main space if there is room or
  // if it is more frequent than probation's LRU entry; otherwise it is dropped.
  void admit_from_window(timestamp_ns now) {
    node* candidate = window_.tail;
    if (expired(candidate, now)) {
      remove(candidate);
      ++counters_.expirations;
      return;
    }
    while (probation_.size + protected_.size >= main_max_) {
      // Main space full. Probation is never empty here while main_max_ > 0, because protected holds
      // at most 80% of it; with main_max_ == 0 (max_entries == 1) there is nothing to compete with.
      node* victim = probation_.tail != nullptr ? probation_.tail : protected_.tail;
      if (victim == nullptr) {
        remove(candidate);
        ++counters_.evictions;
        return;
      }
      if (expired(victim, now)) {
        remove(victim);
        ++counters_.expirations;
        continue;
      }
      if (sketch_.estimate(candidate->second.hash) > sketch_.estimate(victim->second.hash)) {
        remove(victim);
        ++counters_.evictions;
      } else {
        remove(candidate);
        ++counters_.rejections;
        return;
      }
    }
    move_to_front(probation_, candidate, segment::probation);
  }

  // Removes up to sweep_per_segment expired entries from each segment's LRU end.
  void sweep(timestamp_ns now) {
    for (list* l : {&window_, &probation_, &protected_}) {
      for (int i = 0; i < sweep_per_segment && l->tail != nullptr && expired(l->tail, now); ++i) {
        remove(l->tail);
        ++counters_.expirations;
      }
    }
  }

  l1_limits limits_;
  std::size_t window_max_;
  std::size_t main_max_;
  std::size_t protected_max_;
  [[no_unique_address]] Hash hash_{};
  std::unordered_map<Key, entry, Hash> map_;
  list window_{segment::window};
  list probation_{segment::probation};
  list protected_{segment::protected_};
  frequency_sketch sketch_;
  l1_counters counters_;
};

} // namespace cs
