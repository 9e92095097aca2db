# The model driver's pure part: model data words -> a checked model, its integer prediction, and
# window features. No hardware and no agent, so it also runs alone: compiled at the REPL of a
# micro:bit v1 on Debian's MicroPython (tests/qemu/test_qemu_model.py), where compiling it just
# fits: a few more operations have tipped it into a MemoryError. Kept small for that heap: loops,
# not comprehensions (each is a function of its own), and one word reader.
# The format and the integer rules are docs/ai.md; kitbridge.ai computes the same on the host.
# A model: [kind, hz, win, scl, sda, led label, labels, features, body (ints)].
BIG = 100000000  # no number in a model is larger (keeps the board's sums small and exact)


def words(c):
    for s in c:
        for w in s.split():
            yield w
    while 1:
        yield ''


def parse(c):
    # lines of model data words -> a model; ValueError('E_ARG' or 'E_RANGE', why) if bad
    t = words(c)

    def g(lo, hi, what):
        # no '%s' here: formatting a str checks the C stack, which on a micro:bit v1 running the
        # agent is nearly used up at this depth (a RuntimeError instead of the typed error)
        s = next(t)
        if not s:
            raise ValueError('E_ARG', 'model data ends early, in ' + what)
        try:
            n = int(s)
        except ValueError:
            raise ValueError('E_ARG', ' '.join(('model', what + ':', s[:12], 'is not a whole number')))
        if n < lo or n > hi:
            raise ValueError('E_RANGE', ' '.join(('model', what, '%d out of range %d..%d' % (n, lo, hi))))
        return n

    if next(t) != 'kbm1':
        raise ValueError('E_ARG', 'not model data (it starts with kbm1)')
    k = next(t)
    if k not in ('knn', 'lin', 'tree'):
        raise ValueError('E_ARG', 'model kind must be knn, lin or tree')
    m = [k, g(1, 100, 'hz'), g(4, 100, 'window'), g(-1, 99, 'scl'), g(-1, 99, 'sda')]
    nl = g(1, 10, 'labels')
    nf = g(1, 15, 'features')
    m.append(g(-1, nl - 1, 'led label'))
    lab = []
    for i in range(nl):
        s = next(t)
        ok = 0 < len(s) < 13 and s[0].isalpha()
        for ch in s:
            ok = ok and (ch.isalpha() or ch.isdigit() or ch in '_-')
        if not ok:
            raise ValueError('E_ARG', 'model label %d: letters, digits, _ or -' % i)
        if s in lab:
            raise ValueError('E_ARG', 'model label ' + s + ' twice')
        lab.append(s)
    f = []
    for i in range(nf):
        f.append(g(0, 14, 'feature'))
    m.extend((lab, f))
    if k == 'knn':
        j = g(1, 15, 'k')
        n = g(j, 200, 'samples')
        z = 2 + n * (nf + 1)
    elif k == 'lin':
        z = nl * (nf + 1)
    else:
        n = g(1, 255, 'nodes')
        z = 4 * n
    try:
        # made at its full size: a list that grows needs twice the room, in one piece
        b = [0] * z
        d = [0] * (n if k == 'tree' else 0)  # each tree node's depth
    except MemoryError:
        raise ValueError('E_RANGE', 'model of %d numbers: too big for this board' % z)
    if k == 'knn':
        b[0], b[1] = j, n
        for i in range(2, z):
            b[i] = g(0, nl - 1, 'sample label') if i % (nf + 1) == 1 else g(-BIG, BIG, 'value')
    elif k == 'lin':
        for i in range(z):
            b[i] = g(-BIG, BIG, 'weight')
    else:
        for i in range(n):
            p = 4 * i
            b[p] = g(-1, nf - 1, 'node feature')
            if b[p] < 0:
                b[p + 1] = g(0, nl - 1, 'leaf label')
                g(0, 0, 'leaf child')
                g(0, 0, 'leaf child')
                continue
            b[p + 1] = g(-BIG, BIG, 'threshold')
            for j in (2, 3):
                # a child comes after its parent: no loops, and one pass finds the depth
                ch = g(i + 1, n - 1, 'child')
                b[p + j] = ch
                d[ch] = max(d[ch], d[i] + 1)
                if d[ch] > 12:
                    raise ValueError('E_RANGE', 'model tree deeper than 12')
    m.append(b)
    if next(t):
        raise ValueError('E_ARG', 'model data is longer than its sizes say')
    return m


def predict(m, x):
    # the label index model m gives the feature values x (integers); ties go to the lower index
    k, nl, b = m[0], len(m[6]), m[8]
    nf = len(x)
    if k == 'tree':
        i = 0
        while b[i * 4] >= 0:
            i = b[i * 4 + 2] if x[b[i * 4]] <= b[i * 4 + 1] else b[i * 4 + 3]
        return b[i * 4 + 1]
    s = [0] * nl
    if k == 'lin':
        for c in range(nl):
            p = c * (nf + 1)
            s[c] = b[p + nf]
            for j in range(nf):
                s[c] += b[p + j] * x[j]
    else:
        near = []  # (distance, label) of the k nearest so far; an earlier sample wins a tie
        p = 2
        for i in range(b[1]):
            d = 0
            for j in range(nf):
                e = x[j] - b[p + j]
                d += e * e
            j = len(near)
            while j and near[j - 1][0] > d:
                j -= 1
            if j < b[0]:
                near.insert(j, (d, b[p + nf]))
                del near[b[0]:]
            p += nf + 1
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
        m = 0
        for p in w:
            m += p[a]
        m //= n
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
