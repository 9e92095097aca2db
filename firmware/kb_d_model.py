# model: a classifier sent as data (never as code), run on windows of accelerometer samples.
# The data format, the integer feature rules and the limits are docs/ai.md; the host side is
# kitbridge.ai. Verbs:
#   model                  -> 'KIND LABELS FEATURES WINDOW HZ RUNNING' or 'none'
#   model begin | add WORDS... | end   receive model data in chunks; end checks it, stores it
#                          in kb_model.txt (kept over a reboot) and answers as 'model'
#   model predict V,V,...  -> the label for these feature values (tests host/board agreement)
#   model run [LABEL|-]    predict on each window of samples: event 'model LABEL'; the LED is
#                          lit while LABEL (default: the model's own) is predicted
#   model stop             (reset and the deadman stop it too)
#   model clear            forget the stored model

FILE = 'kb_model.txt'
BIG = 100000000  # no number in a model is larger (keeps the board's sums small and exact)
MAXW = 3000  # words of model data: about 12 KB once parsed
M = []  # the model: [kind, hz, win, scl, sda, out, labels, feats, body (list of ints)]
T = []  # since 'model begin': words received, then the chunks
R = [None, [], 0, 0, -1]  # while running: agent, samples, t0, samples taken, LED label index


def run(ag, v, a):
    w = a[0] if a else ''
    if w == 'begin':
        T[:] = [0]
        return
    if w == 'add':
        if not T:
            raise ValueError('E_ARG', 'model begin first')
        T[0] += len(a) - 1
        if T[0] > MAXW:
            T[:] = []
            raise ValueError('E_RANGE', 'model data over %d words' % MAXW)
        T.append(' '.join(a[1:]))
        return
    if w == 'end':
        c = T[1:]
        T[:] = []
        m = parse(c)  # raises on bad data: the stored model stays as it was
        f = open(FILE, 'w')
        for s in c:
            f.write(s + '\n')
        f.close()
        stop(ag)
        M[:] = m
    elif w == 'clear':
        stop(ag)
        M[:] = []
        try:
            import os
            os.remove(FILE)
        except (ImportError, OSError):
            pass
        return
    elif w == 'stop':
        stop(ag)
        return
    elif w not in ('', 'predict', 'run'):
        raise ValueError('E_ARG', 'model begin|add|end|predict|run|stop|clear')
    if not M and not load():
        if w:
            raise ValueError('E_DEVICE', 'no model stored: send one with model.to_board(board)')
        return 'none'
    if w == 'predict':
        try:
            x = [int(s) for s in a[1].split(',')]
        except (IndexError, ValueError):
            raise ValueError('E_ARG', 'model predict V,V,...: whole numbers')
        if len(x) != len(M[7]):
            raise ValueError('E_ARG', 'the model takes %d features' % len(M[7]))
        return M[6][predict(x)]
    if w == 'run':
        o = a[1] if len(a) > 1 else None
        if o is not None and o != '-' and o not in M[6]:
            raise ValueError('E_ARG', 'no label ' + o)
        stop(ag)
        R[0], R[1], R[2], R[3] = ag, [], ag.h.ticks(), 0
        R[4] = M[5] if o is None else M[6].index(o) if o != '-' else -1
        ag.polls.append(poll)
        ag.stops.append(off)
    return '%s %d %d %d %d %d' % (M[0], len(M[6]), len(M[7]), M[2], M[1], R[0] is not None)


def load():
    # the stored model, if any, into M; a damaged file is no model
    try:
        f = open(FILE)
    except OSError:
        return False
    c = []
    while True:
        s = f.readline()
        if not s:
            break
        c.append(s.strip())
    f.close()
    try:
        M[:] = parse(c)
    except ValueError:
        return False
    return True


def words(c):
    for s in c:
        for w in s.split():
            yield w


def parse(c):
    # model data words -> [kind, hz, win, scl, sda, out, labels, feats, body]; E_ARG/E_RANGE if bad
    t = words(c)

    def g(lo, hi, what):
        try:
            s = next(t)
        except StopIteration:
            raise ValueError('E_ARG', 'model data ends early, in ' + what)
        try:
            n = int(s)
        except ValueError:
            raise ValueError('E_ARG', 'model %s: %s is not a whole number' % (what, s[:12]))
        if n < lo or n > hi:
            raise ValueError('E_RANGE', 'model %s %d out of range %d..%d' % (what, n, lo, hi))
        return n

    if next(t, '') != 'kbm1':
        raise ValueError('E_ARG', 'not model data (it starts with kbm1)')
    k = next(t, '')
    if k not in ('knn', 'lin', 'tree'):
        raise ValueError('E_ARG', 'model kind must be knn, lin or tree')
    m = [k, g(1, 100, 'hz'), g(4, 100, 'window'), g(-1, 99, 'scl'), g(-1, 99, 'sda')]
    nl = g(1, 10, 'labels')
    nf = g(1, 15, 'features')
    m.append(g(-1, nl - 1, 'led label'))
    lab = []
    for i in range(nl):
        s = next(t, '')
        if not (0 < len(s) < 13 and s[0].isalpha() and all(ch.isalpha() or ch.isdigit() or ch in '_-' for ch in s)):
            raise ValueError('E_ARG', 'model label %d: letters, digits, _ or -' % i)
        if s in lab:
            raise ValueError('E_ARG', 'model label %s twice' % s)
        lab.append(s)
    m.append(lab)
    m.append([g(0, 14, 'feature') for i in range(nf)])
    b = []
    if k == 'knn':
        n = g(1, 15, 'k')
        b.append(n)
        n = g(n, 200, 'samples')
        b.append(n)
        for i in range(n):
            b.extend([g(-BIG, BIG, 'value') for j in range(nf)])
            b.append(g(0, nl - 1, 'sample label'))
    elif k == 'lin':
        b = [g(-BIG, BIG, 'weight') for i in range(nl * (nf + 1))]
    else:
        n = g(1, 255, 'nodes')
        d = [0] * n
        for i in range(n):
            f = g(-1, nf - 1, 'node feature')
            if f < 0:
                b.extend((f, g(0, nl - 1, 'leaf label'), g(0, 0, 'leaf child'), g(0, 0, 'leaf child')))
                continue
            b.extend((f, g(-BIG, BIG, 'threshold')))
            for j in (0, 1):
                # a child comes after its parent: no loops, and one pass finds the depth
                ch = g(i + 1, n - 1, 'child')
                b.append(ch)
                d[ch] = max(d[ch], d[i] + 1)
                if d[ch] > 12:
                    raise ValueError('E_RANGE', 'model tree deeper than 12')
    m.append(b)
    if next(t, None) is not None:
        raise ValueError('E_ARG', 'model data is longer than its sizes say')
    return m


def predict(x):
    # label index for the feature values x (integers); ties go to the lower label index
    k, nl, b = M[0], len(M[6]), M[8]
    nf = len(x)
    if k == 'tree':
        i = 0
        while b[i * 4] >= 0:
            i = b[i * 4 + 2] if x[b[i * 4]] <= b[i * 4 + 1] else b[i * 4 + 3]
        return b[i * 4 + 1]
    if k == 'lin':
        s = [sum([b[c * (nf + 1) + j] * x[j] for j in range(nf)]) + b[c * (nf + 1) + nf] for c in range(nl)]
    else:
        near = []  # (distance, label) of the k nearest so far; an earlier sample wins a tie
        for i in range(b[1]):
            p = 2 + i * (nf + 1)
            d = sum([(x[j] - b[p + j]) ** 2 for j in range(nf)])
            j = len(near)
            while j and near[j - 1][0] > d:
                j -= 1
            near.insert(j, (d, b[p + nf]))
            del near[b[0]:]
        s = [0] * nl
        for d, c in near:
            s[c] += 1
    c = 0
    for i in range(nl):
        if s[i] > s[c]:
            c = i
    return c


def features(w):
    # per axis x, y, z: mean, variance, peak, energy, zero crossings, of samples in mg
    # (integers; // rounds down, as in kitbridge/ai/features.py)
    n = len(w)
    r = []
    for a in (0, 1, 2):
        m = sum([p[a] for p in w]) // n
        q = e = k = z = 0
        u = None
        for p in w:
            v = p[a]
            q += (v - m) * (v - m)
            e += v * v
            k = max(k, abs(v))
            if u is not None and (v < m) != u:
                z += 1
            u = v < m
        r.extend((m, q // (n * 1000), k, e // (n * 1000), z))
    return r


def poll(t):
    ag = R[0]
    if ag is None:
        return
    h = ag.h
    hz, win = M[1], M[2]
    if h.diff(t, R[2] + R[3] * 1000 // hz) > 500:
        R[1], R[2], R[3] = [], t, 0  # half a second behind: start a fresh window
    if h.diff(t, R[2] + R[3] * 1000 // hz) < 0:
        return
    import kb_d_accel
    try:
        R[1].append(kb_d_accel.xyz(ag, [M[3], M[4]] if M[3] >= 0 else []))
    except ValueError:
        ag.event('warn E_DEVICE model: no accelerometer')
        stop(ag)
        return
    R[3] += 1
    if len(R[1]) >= win:
        f = features(R[1])
        R[1] = []
        c = predict([f[i] for i in M[7]])
        if R[4] >= 0:
            h.led(1 if c == R[4] else 0)
        ag.event('model ' + M[6][c])


def off():
    R[0] = None


def stop(ag):
    if R[0] is not None and R[4] >= 0:
        ag.h.led(0)
    R[0] = None
    ag.polls = [f for f in ag.polls if f != poll]
    ag.stops = [f for f in ag.stops if f != off]


def boot(ag):
    # for main.py, after the 'boot' event: run a stored model with no host (docs/ai.md)
    if load():
        run(ag, 'model', ['run'])
