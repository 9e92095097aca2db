# The board-side protocol vectors (tests/vectors/protocol.json, written to /protocol.json by
# runner.mjs) on MicroPython 1.27: each exchange fed to a fresh Agent over the fake HAL in the
# vectors' board state; events and replies framed by the Agent; checksums by kb_agent.ck.
import json

import kb_agent
import kb_board as B
import kb_hal_fake as H
from wasm_helpers import eq, report, taken, trace


def latin1(s):
    return bytes([ord(c) for c in s])


def board_state(board):
    H.clear()
    H.now[0] = board['ms']
    H.level_all[0] = board['pin_read']
    H.analog_all[0] = board['pin_analog']
    H.lit[0] = board['led']
    for k in board['buttons']:
        H.pressed[k] = board['buttons'][k]
    H.uid = board['uid']
    H.mem[0] = board['heap']


FAULTS = {'MemoryError': MemoryError, 'RuntimeError': RuntimeError, 'OSError': OSError, 'ValueError': ValueError}


def vector_exchange(v, board):
    board_state(board)
    ag = kb_agent.Agent(H)
    if v.get('fault'):
        H.fault[0] = FAULTS[v['fault']]()
    data = latin1(v['send'] + v.get('end', '\n'))
    step = v.get('chunk') or len(data)
    for i in range(0, len(data), step):
        ag.feed(data[i:i + step])
    ag.poll()
    eq(taken(), v['answer'], 'answer')
    eq(H.log, v['hal'], 'HAL calls')


def vector_event(v, board):
    board_state(board)
    H.now[0] = v.get('board_ms', v['ticks'])
    ag = kb_agent.Agent(H)
    ag.seq = v['seq'] - 1
    ag.event(' '.join([v['name']] + v['args']))
    eq(taken(), [v['line']], 'event line')


def vector_reply(v, board):
    board_state(board)
    ag = kb_agent.Agent(H)
    text = ('ok ' + v['text'] if v['text'] else 'ok') if v['ok'] else 'err %s %s' % (v['code'], v['text'])
    ag.out('@%d' % v['id'], text)
    eq(taken(), [v['line']], 'reply line')


def vector_checksum(v, board):
    eq(kb_agent.ck(v['text']), v['ck'], 'kb_agent.ck(%r)' % v['text'])


VECTORS = (('checksums', vector_checksum), ('exchanges', vector_exchange), ('events', vector_event),
           ('replies', vector_reply))


def run_vectors():
    try:
        f = open('/protocol.json')
    except OSError:
        report('vectors', False, 'tests/vectors/protocol.json is absent: the protocol vectors were not run')
        return
    d = json.load(f)
    f.close()
    board = d['board']
    if board['kind'] != B.KIND:
        report('vectors', False, 'the vectors assume a %s board; this run is %s' % (board['kind'], B.KIND))
        return
    count = 0
    for section, run in VECTORS:
        for i in range(len(d[section])):
            v = d[section][i]
            name = 'vector %s[%d]' % (section, i)
            try:
                run(v, board)
                report(name, True)
            except Exception as e:
                report(name, False, None, '%s: %s' % (v.get('name', ''), trace(e)))
            count += 1
    report('vectors', True, None, '%d vectors run' % count)
