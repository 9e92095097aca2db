# stream ID SOURCE HZ [N [ARGS]]: sample SOURCE HZ times a second (1..1000), N samples a line
# (0 or none: the board picks), as the event 's ID IDX DATA' (docs/protocol.md section 15).
# SOURCE: accel (ARGS: the I2C pin labels on ESP32 boards), light, sound, or a pin number (its
# analog reading). Answers 'HZ N'; a rate the line cannot carry is lowered, with the event
# 'warn E_RATE stream ID ASKED ACHIEVABLE'. stream ID 0 stops one (answers how many samples
# it sent); reset stops them all.
import kb_board as B
from kb_agent import num

# bytes a second all streams may use: 90 % of the line (8N1: 10 bits a byte), the rest for replies
BPS = getattr(B, 'BAUD', 115200) // 100 * 9
OVER = 35  # bytes of a line besides the samples: '@!65535 16777215 s 99 65535 ' and ' *ck\n'
S = {}  # ID -> [agent, read(), chars a sample, hz, n, t0, i, batch (list), idx at batch start]


def run(ag, v, a):
    k = num(a, 0, 1, 99, 'id')
    if len(a) == 2 and a[1] == '0':
        # the last part batch goes out, and the answer counts every sample sent, so the host
        # can tell a lost last batch too
        x = S.pop(k, None)
        if x:
            send(ag, k, x)
        return str(x[6] if x else 0)
    if len(a) < 3:
        raise ValueError('E_ARG', 'stream ID SOURCE HZ [N], or stream ID 0')
    s = a[1]
    hz = num(a, 2, 1, 1000, 'Hz')
    n = num(a, 3, 0, 999, 'N') if len(a) > 3 else 0
    w, f = source(ag, s, a[4:])
    f()  # a source that cannot be read fails here, as an answer
    m = (512 - OVER) // w
    n = n or max(1, min(m, hz // 10))
    if n > m:
        raise ValueError('E_RANGE', 'N %d out of range 1..%d' % (n, m))
    S.pop(k, None)
    left = BPS - sum(x[3] * (x[2] * x[4] + OVER) // x[4] for x in S.values())
    if hz * (w * n + OVER) > left * n:
        if len(a) < 4 or a[3] == '0':
            n = m
        h = max(0, left * n // (w * n + OVER))
        if h < 1:
            raise ValueError('E_RANGE', 'the line is full: stop a stream first')
        if h < hz:
            ag.event('warn E_RATE stream %d %d %d' % (k, hz, h))
            hz = h
    S[k] = [ag, f, w, hz, n, ag.h.ticks(), 0, [], 0]
    if poll not in ag.polls:
        ag.polls.append(poll)
        ag.stops.append(S.clear)
    return '%d %d' % (hz, n)


def source(ag, s, a):
    # -> (characters a sample, read() -> the sample's text)
    if s == 'accel':
        import kb_d_accel
        return 9, lambda: ''.join([enc(v + 131072, 3) for v in kb_d_accel.xyz(ag, a)])
    if s in ('light', 'sound'):
        import kb_d_sense
        return 2, lambda: enc(int(kb_d_sense.run(ag, 'sense', [s])), 2)
    if s.isdigit():
        import kb_sys
        kb_sys.run(ag, 'pin', [s, 'analog'])  # checks the pin can
        p = int(s)
        return 2, lambda: enc(ag.h.pin(p, 'analog'), 2)
    raise ValueError('E_ARG', 'stream sources: accel light sound PIN')


def enc(v, w):
    # w characters of 6 bits each, most significant first: chr(48)..chr(111), no space, no '*'
    r = ''
    while w:
        w -= 1
        r += chr(48 + (v >> 6 * w & 63))
    return r


def poll(t):
    for k in list(S):
        x = S.get(k)
        if not x:
            continue
        ag, f, w, hz, n, t0, i = x[:7]
        h = ag.h
        if h.diff(t, t0 + i * 1000 // hz) > 500:
            # half a second behind (a slow source or a blocked line): skip ahead; the
            # sample numbers show the gap, so the host counts the samples as lost
            send(ag, k, x)
            i = (h.diff(t, t0) * hz // 1000) + 1
            x[6] = x[8] = i
        while h.diff(t, t0 + i * 1000 // hz) >= 0:
            x[7].append(f())
            i += 1
            x[6] = i
            if len(x[7]) >= n:
                send(ag, k, x)


def send(ag, k, x):
    b = x[7]
    if b:
        tk = x[5] + x[8] * 1000 // x[3]
        ag.seq = ag.seq % 65535 + 1
        ag.out('@!%d %d' % (ag.seq, tk & 0xffffff), 's %d %d %s' % (k, x[8] & 65535, ''.join(b)))
        x[7] = []
        x[8] = x[6]
