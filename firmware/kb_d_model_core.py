# The model driver's pure part: model data words -> a checked model, its integer prediction, and
# window features. No hardware and no agent, so it also runs alone (tests/qemu/test_qemu_model.py
# at a micro:bit v1's REPL). Kept small for a small heap: loops, not comprehensions (each is a
# function of its own), and one word reader.
# The format and the integer rules are docs/ai.md; kitbridge.ai computes the same on the host.
# A model: [kind, hz, win, scl, sda, led label, labels, features, body, k (k-NN)]; the body is
# rows() of records: a k-NN's samples, a linear model's classes, a tree's nodes.
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
        e = nf + 1  # a record: a sample's values, then its label
    elif k == 'lin':
        n, e = nl, nf + 1  # a class's weights, then its bias
    else:
        n, e = g(1, 255, 'nodes'), 4  # feature (-1: a leaf), threshold or label, two children
    try:
        b = rows(n, e)
        d = bytearray(n if k == 'tree' else 0)  # each tree node's depth
    except MemoryError:
        raise ValueError('E_RANGE', 'model of %d numbers: too big for this board' % (n * e))
    w = len(b[0]) // e  # records a row
    for i in range(n):
        r, p = b[i // w], i % w * e
        if k != 'tree':
            for q in range(nf):
                r[p + q] = g(-BIG, BIG, 'value' if k == 'knn' else 'weight')
            r[p + nf] = g(0, nl - 1, 'sample label') if k == 'knn' else g(-BIG, BIG, 'weight')
            continue
        r[p] = g(-1, nf - 1, 'node feature')
        if r[p] < 0:
            r[p + 1] = g(0, nl - 1, 'leaf label')
            g(0, 0, 'leaf child')
            g(0, 0, 'leaf child')
            continue
        r[p + 1] = g(-BIG, BIG, 'threshold')
        for q in (2, 3):
            # a child comes after its parent: no loops, and one pass finds the depth
            ch = g(i + 1, n - 1, 'child')
            r[p + q] = ch
            d[ch] = max(d[ch], d[i] + 1)
            if d[ch] > 12:
                raise ValueError('E_RANGE', 'model tree deeper than 12')
    m.extend((b, j if k == 'knn' else 0))
    if next(t):
        raise ValueError('E_ARG', 'model data is longer than its sizes say')
    return m


def rows(n, e):
    # room for n records of e numbers, in lists of whole records of up to 32 numbers: one long
    # list needs all its room in one piece, which a micro:bit v1's heap seldom has after a while
    # of use (measured under QEMU: a 1.4 KB list refused with 5 KB free), though it has enough
    w = max(1, 32 // e)
    b = []
    while n > 0:
        b.append([0] * (min(w, n) * e))
        n -= w
    return b


def predict(m, x):
    # the label index model m gives the feature values x (integers); ties go to the lower index
    k, nl, b = m[0], len(m[6]), m[8]
    nf = len(x)
    if k == 'tree':
        w = len(b[0]) // 4
        i = 0
        while 1:
            r, p = b[i // w], i % w * 4
            if r[p] < 0:
                return r[p + 1]
            i = r[p + 2] if x[r[p]] <= r[p + 1] else r[p + 3]
    s = [0] * nl
    near = []  # k-NN: (distance, label) of the k nearest so far; an earlier sample wins a tie
    c = 0  # lin: the class whose weights come next
    for r in b:
        for p in range(0, len(r), nf + 1):
            if k == 'lin':
                s[c] = r[p + nf]
                for j in range(nf):
                    s[c] += r[p + j] * x[j]
                c += 1
                continue
            d = 0
            for j in range(nf):
                e = x[j] - r[p + j]
                d += e * e
            j = len(near)
            while j and near[j - 1][0] > d:
                j -= 1
            if j < m[9]:
                near.insert(j, (d, r[p + nf]))
                del near[m[9]:]
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
