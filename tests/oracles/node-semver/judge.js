// Reads [[range, [version, ...]], ...] as JSON on stdin and prints, for each range, npm's
// answer: [validRange(range) or null, a string of 0/1, one per version: satisfies(v, range)].
'use strict'
const semver = require('semver')

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', chunk => { input += chunk })
process.stdin.on('end', () => {
  const answers = JSON.parse(input).map(([range, versions]) => {
    const valid = semver.validRange(range)
    const admitted = versions.map(v => (semver.satisfies(v, range) ? '1' : '0')).join('')
    return [valid, admitted]
  })
  process.stdout.write(JSON.stringify(answers))
})
