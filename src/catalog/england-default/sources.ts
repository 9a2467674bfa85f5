import type { Static } from 'typebox';
import type { Source } from '../model-schema.ts';
import { DEFLATOR_SERIES, DEFLATOR_URL } from './deflator.ts';

type SourceSpec = Static<typeof Source>;

/**
 * Every source the England default model cites. Published figures come from
 * shared/reference/unit-costs-sources.csv (its titles, publishers and addresses) or from pages
 * found and read while building the model; where nothing published exists, the figure is a
 * labelled assumption (publisher "pathcast assumption") whose note gives the reasoning.
 */
export const SOURCES: Record<string, SourceSpec> = {
  // ----- Rates: national statistics --------------------------------------------------------
  dfe_cla_2024: {
    title: 'Children looked after in England including adoptions: reporting year 2024',
    publisher: 'Department for Education',
    year: '2024',
    url: 'https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions/2024',
    note: '83,630 children looked after on 31 March 2024, 70 per 10,000 children (25 to 191 by authority); national time series: 33,050 started and 33,620 ceased in the year, 2,980 adopted, 7,380 unaccompanied asylum-seeking children.',
  },
  dfe_cla_2024_shares: {
    title: 'Children looked after in England including adoptions, reporting year 2024: children looked after on 31 March 2024 by age group and placement type',
    publisher: 'Department for Education',
    year: '2024',
    url: 'https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions/2024',
    note: 'Of 83,630 children looked after on 31 March 2024: aged 10-15 38%, 16 and over 27%, 56,390 (67%) in foster placements (as summarised from the release by Home for Good, https://homeforgood.org.uk/statistics); average time from placement for adoption to the order 9 months; 2,980 adopted in the year. Under 1 and 1-4, 5-9 from the CLA on 31 March by characteristics data set (2021: under 1 3,930 of 80,850 = 4.9%, 1-4 14%, 5-9 19%; 2022: under 1 3,970 of 82,170 = 4.8%, 1-4 14%, 5-9 18%; the shares were stable to 2024, the release says). Secure units, children’s homes and semi-independent living: 17% in 2023 (Community Care, 20 November 2023, from the 2023 release). Placed with parents: 6.0% on 1 September 2024 (sufficiency_placement_mix_2024). Placed for adoption: not transcribed; 2,980 adoptions a year × 9 months / 12 ≈ 2,240 children, 2.7%.',
  },
  dfe_cla_starters_2024: {
    title: 'CLA starting during the year by characteristics - NATIONAL',
    publisher: 'Department for Education',
    year: '2024',
    url: 'https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/574513fa-2da6-494c-b3c5-ef41b7004277',
    note: '33,050 started in 2023-24; aged 10-15: 8,690 (26%); 16 and over: 9,440 (29%); 5-9: 15%; 1-4: 15%.',
  },
  dfe_cla_stability_2024: {
    title: 'Stability measures for children looked after in England - placement stability by local authority',
    publisher: 'Department for Education',
    year: '2024',
    url: 'https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/68c7a1f2-7dd9-42d4-9794-e94203e311f0',
    note: 'Of children looked after for 2 years on 31 March 2024, 13,700 of 60,430 (23%) had 3 or more placements in the previous 2 years; 68% of under-16s looked after 2.5 years had lived with the same carer for 2 years.',
  },
  dfe_placement_changes_2024: {
    title: 'Reason for placement change during the year of CLA by characteristics - NATIONAL (permalink table)',
    publisher: 'Department for Education',
    year: '2024',
    url: 'https://explore-education-statistics.service.gov.uk/data-tables/permalink/c3ae926d-83e8-4ec9-3213-08dd6b9d125f',
    note: '66,070 placement changes in 2023-24 (36,560 from foster placements); 24% were a change in the status of a placement only; carer requested the end because of the child’s behaviour: 8%.',
  },
  dfe_cin_2024: {
    title: 'Children in need: reporting year 2024',
    publisher: 'Department for Education',
    year: '2024',
    url: 'https://explore-education-statistics.service.gov.uk/find-statistics/children-in-need',
    note: '399,460 children in need on 31 March 2024 (332.9 per 10,000), including children looked after and on child protection plans; almost half of episodes ending lasted 3 months or less.',
  },
  dfe_staying_put_2020: {
    title: 'National - Care leavers who left foster care aged 18 and who were eligible for care leaver support (Staying Put)',
    publisher: 'Department for Education',
    year: '2020',
    url: 'https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/6bcdb80c-9922-4d12-a352-8aa4997f341b',
    note: 'Living with former foster carers, 2018: aged 18 55% (1,810 of 3,300), aged 19 31%, aged 20 21%, aged 19 or 20 26%; 2019: aged 18 57%.',
  },
  cypnow_leaving_care_2022: {
    title: 'Leaving care special report',
    publisher: 'CYP Now (reporting DfE)',
    year: '2022',
    url: 'https://www.cypnow.co.uk/content/features/leaving-care-special-report',
    note: '2020-21: 60% of 18-year-olds remained with their foster carer three months after their birthday; 30% of 19- and 20-year-olds in Staying Put; 44,590 care leavers aged 17-21.',
  },
  dfe_care_leavers_neet_2017: {
    title: 'Care leavers’ transition into the labour market in England (project overview, citing DfE statistics)',
    publisher: 'Nuffield Foundation',
    year: '2017',
    url: 'https://www.nuffieldfoundation.org/project/care-leavers-transition-into-the-labour-market-in-england/',
    note: 'In 2017, 40% of care leavers aged 19-21 were NEET, against 13% of that age group. The commonly cited recent figure is about 38-39% (not verified here).',
  },
  cypnow_neet_18_2017: {
    title: 'Rise in number of care leavers not in work or education',
    publisher: 'CYP Now (reporting DfE)',
    year: '2017',
    url: 'https://www.cypnow.co.uk/cyp/news/2004482/rise-in-number-of-care-leavers-not-in-work-or-education',
    note: '31% of 18-year-old care leavers were NEET (12% of all 18-year-olds); 10,870 NEET care leavers aged 19-21 at March 2017.',
  },
  familylaw_cla_2018: {
    title: 'Number of looked after children rises and number of adoptions falls (DfE release coverage)',
    publisher: 'Family Law Week (reporting DfE)',
    year: '2018',
    url: 'https://www.familylawweek.co.uk/site.Aspx?i=ed194742',
    note: 'Children ceasing care in 2017-18: 31% returned home to parents, 13% adopted; foster placements with relatives or friends 18% of children in foster care.',
  },
  familylaw_cla_2019: {
    title: 'Number of children looked after in England is up 4 per cent to 78,150',
    publisher: 'Family Law Week (reporting DfE)',
    year: '2019',
    url: 'https://www.familylawweek.co.uk/site.aspx?i=ed208574',
    note: '2018-19: 3,570 adopted of 29,460 ceasing (12%); 3,830 ceased on special guardianship orders (13%), 90% to relatives or friends.',
  },
  article39_supported_2023: {
    title: 'Supported accommodation is now an official part of the children’s care system in England',
    publisher: 'Article 39 (reporting DfE)',
    year: '2023',
    url: 'https://article39.org.uk/supported-accommodation-is-now-an-official-part-of-the-childrens-care-system-in-england/',
    note: '31 March 2023: 8,980 children aged 16-17 (41% of looked-after 16-17-year-olds) in semi-independent or independent living; 57,020 in foster care (68%); 7,780 in children’s homes.',
  },
  sufficiency_placement_mix_2024: {
    title: 'English Local Authority Children’s Placement Sufficiency (FOI survey of 150 authorities, September 2024)',
    publisher: 'Sufficiency.org.uk',
    year: '2024',
    url: 'https://sufficiency.org.uk/english-local-authority-childrens-placement-sufficiency',
    note: 'Placement mix on 1 September 2024: in-house foster 27.9%, independent foster 24.8%, kinship 15.6%, children’s homes 11.4%, supported accommodation 9.8%, placed with parents 6.0%, other 3.3%, unregulated 1%, secure 0.1%.',
  },
  nao_residential_2025: {
    title: 'Managing children’s residential care (press release and report summary)',
    publisher: 'National Audit Office',
    year: '2025',
    url: 'https://www.nao.org.uk/press-releases/government-needs-better-oversight-to-tackle-market-failures-in-childrens-residential-care',
    note: 'Average annual cost of a children’s home place £318,400 in 2023-24 (real terms), up from £239,800 in 2019-20; total residential spend £3.1bn in 2023-24.',
  },
  lga_high_cost_2023: {
    title: 'High-cost children’s social care placements survey',
    publisher: 'Local Government Association',
    year: '2023',
    url: 'https://local.gov.uk/publications/high-cost-childrens-social-care-placements-survey',
    note: '1,510 placements costing £10,000 a week or more in 2022-23 (120 in 2018-19); highest single placement £63,000 a week.',
  },
  dfe_placement_location_2024: {
    title: 'Children looked after: a focus on placement location, reporting year 2024 (data sets: placement distance for CLA; types of placement for CLA by distance locality; fostering providers by placement distance)',
    publisher: 'Department for Education',
    year: '2024',
    url: 'https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-a-focus-on-placement-location/2024',
    note: 'Children looked after on 31 March, by distance from home; the series runs 2015 to 2024, but only the 2015 rows were read (data catalogue previews): all placements 53,100 within 20 miles, 12,820 over 20 miles, 3,550 not known (18.6% over 20 miles of all; 19.4% of those with a known distance, 12,820 / 65,920); all foster care 42,120 within, 7,520 over, 1,940 not known (15.1% of known); foster placements with a relative or friend 5,490 + 1,380 within, 90 + 870 over (inside + outside the boundary; 12.3% of known); independent fostering agency 11,930 within (its over-20-miles row not read; the split of non-kinship foster care between agency and in-house is derived in the states’ notes). Median distance 2015 (data set “Median distance for CLA placement types”): foster care 5.5 miles, placed for adoption 16.5, placed with parents 0.6, secure and children’s homes 17.8, semi-independent and supported 4.0; the shares over 20 miles of placed for adoption, placed with parents and semi-independent and supported come from these medians (the states’ notes), no share by those types having been read. Distances not known (mostly unaccompanied asylum-seeking children) are left out of the shares, as the DfE shows them apart. Data sets: https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/9114fc39-03a0-4cb5-a4d6-75bf9b5413af, https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/2f4480a6-473b-435b-9535-f74953423380, https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/a69b0486-6319-4c9a-975a-9139c7d54d7a, https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/1075a0aa-6499-44b7-a427-df9e71876893 (median distances). The 2024 rows by placement type and the IFA/local authority split should replace these when transcribed.',
  },
  ofsted_fostering_ifa_share_2023: {
    title: 'Inspections Clinic: Independent fostering agencies (reporting Ofsted, Fostering in England 1 April 2022 to 31 March 2023)',
    publisher: 'Children & Young People Now (reporting Ofsted)',
    year: '2023',
    url: 'https://www.cypnow.co.uk/content/features/inspections-clinic-independent-fostering-agencies',
    note: 'Independent fostering agencies held 47% of filled mainstream foster places at 31 March 2023, up from 42% in 2019, and 43% of fostering households (40% in 2019). The 2019 share (42%) splits the DfE 2015 non-kinship foster placements over 20 miles between agency and in-house foster care (see the states’ notes); the 2015 share was probably lower, the share having risen since.',
  },
  nao_residential_distance_2025: {
    title: 'NAO Managing children’s residential care (press release, as reported)',
    publisher: 'National Audit Office (via Fosse 107 / Sky News)',
    year: '2025',
    url: 'https://www.fosse107.co.uk/news/national-news/vulnerable-children-in-care-being-let-down-by-dysfunctional-system-watchdog-warns',
    note: 'March 2024: 67% of children in children’s homes placed outside their local authority; 49% more than 20 miles from home (shared/reference/unit-costs-sources.csv).',
  },
  nao_residential_moves_2025: {
    title: 'NAO Managing children’s residential care (coverage)',
    publisher: 'National Audit Office (via Fosse 107 / Sky News)',
    year: '2025',
    url: 'https://www.fosse107.co.uk/news/national-news/vulnerable-children-in-care-being-let-down-by-dysfunctional-system-watchdog-warns',
    note: 'One in seven children in residential care moved home at least twice in a year (March 2024).',
  },
  start_trial_2018: {
    title: 'Multisystemic therapy versus management as usual in the treatment of adolescent antisocial behaviour (START): a pragmatic, randomised controlled, superiority trial. The Lancet Psychiatry 5(2) 119-133',
    publisher: 'Fonagy P, Butler S, Cottrell D et al. (UCL)',
    year: '2018',
    url: 'http://discovery.ucl.ac.uk/10037910/',
    note: 'England, 684 families with adolescents aged 11-17 at risk of out-of-home placement: at 18 months the effect of MST on out-of-home placement was not significant (OR 1.25, 95% CI 0.77-2.05).',
  },

  // ----- Unit costs and prices ---------------------------------------------------------------
  cma_ifa_2021: {
    title: 'CMA Children’s social care market study - interim report (as reported)',
    publisher: 'Competition and Markets Authority (via niromp.org)',
    year: '2021',
    url: 'https://niromp.org/2021/10/24/cma-says-children-appear-to-have-been-placed-in-unregulated-accommodation-not-as-a-positive-choice-but-due-to-lack-of-availability-of-a-suitable-regulated-placement/',
    note: 'Independent fostering agency placements average about £820 a week (price to the authority); price year not stated, taken as 2019-20. Secondary report.',
  },
  pssru_foster_2017: {
    title: 'Unit Costs of Health and Social Care 2017 (blog summary, p.86)',
    publisher: 'PSSRU, University of Kent',
    year: '2018',
    url: 'https://www.pssru.ac.uk/blog/whats-new-the-unit-costs-publication-and-childrens-services/',
    note: 'Local authority foster care £646 per child per week in 2016-17, full cost including allowances, administration, social workers and support staff.',
  },
  cc_secure_custody_2019: {
    title: 'Who are they? Where are they? (Children’s Commissioner report, summarised)',
    publisher: 'Children’s Commissioner for England (via Equally Ours)',
    year: '2019',
    url: 'https://www.equallyours.org.uk/childrens-commissioner-for-england-report-who-are-they-where-are-they/',
    note: 'Per child per year, c.2018-19: secure children’s home £210,000; secure training centre £160,000; young offender institution £76,000. Secondary summary.',
  },
  lincolnshire_supported_2023: {
    title: 'FOI: Provision for supported accommodation for looked after children and care leavers aged 16-18',
    publisher: 'Lincolnshire County Council',
    year: '2023',
    url: 'https://lincolnshire.gov.uk/directory-record/75675/provision-for-supported-accommodation-for-looked-after-children-and-care-leavers-aged-16-18',
    note: 'Average £621 a week (range £260-£6,776), c.2023 cash. One local authority only: no national average was found.',
  },
  staying_put_grant_2014: {
    title: 'Government allocates £7.4m to extend foster kids’ right to Stay Put until 21',
    publisher: 'Simply Child Safe (reporting DfE allocation)',
    year: '2014',
    url: 'http://simplychildsafe.com/foster-care/government-allocates-7-4m-extend-foster-kids-right-stay-put-21/',
    note: '£7.4m for 900 placements: £8,222 per young person per year (2014-15). The central grant only, not the full cost to the authority.',
  },
  foster_minimum_allowance_2019: {
    title: 'staying_put_sim report (main_results.md) citing the DfE national minimum fostering allowance 2019-20',
    publisher: 'grahamstark/staying_put_sim (GitHub)',
    year: '2019',
    url: 'https://github.com/grahamstark/staying_put_sim',
    note: 'National minimum allowance for a 16-17-year-old, rest of England, £194 a week in 2019-20 (London £226, South East £218). Allowance only, no fee.',
  },
  kinship_sgo_allowance: {
    title: 'Special guardians financial support and benefits',
    publisher: 'Kinship (charity) - Compass',
    year: '2024',
    url: 'https://compass.kinship.org.uk/advice-and-information/special-guardians-financial-support-and-benefits/',
    note: 'Special guardianship allowances are discretionary and means-tested, guided by fostering minimum allowance rates; no national average was found.',
  },
  dfe_interagency_fee_2017: {
    title: 'Inter-agency adoption: subsidy of the inter-agency fee (DFE-RR685)',
    publisher: 'Department for Education (Dance, Neil & Rogers)',
    year: '2017',
    url: 'https://repository.canterbury.ac.uk/item/8852v/inter-agency-adoption-subsidy-of-the-inter-agency-fee',
    note: 'Inter-agency fee at least £27,000 per child (c.2015-2017 cash), higher for sibling groups; a proxy for the one-off cost of an adoption.',
  },
  mst_uk_cost_2013: {
    title: 'Economic Evaluation of MST for Young People at Risk for Continuing Criminal Activity in the UK (Cary et al., PLoS ONE) - summary',
    publisher: 'MST UK & Ireland (summarising King’s College London study)',
    year: '2013',
    url: 'http://www.mstuk.org/mst-outcomes/cost-effectiveness',
    note: 'MST intervention cost £2,285 per young person (trial 2004-2010, price year not stated; taken as 2010-11). Youth-justice cohort; likely understates the current per-family cost of an MST team.',
  },
  eif_fft_2018: {
    title: 'EIF Guidebook: Functional Family Therapy',
    publisher: 'Early Intervention Foundation',
    year: '2018',
    url: 'http://guidebook.eif.org.uk/programme/functional-family-therapy',
    note: 'Cost rating 3 of 5, evidence rating 3 (mixed findings), 8-30 weekly sessions. The commonly cited mapping of rating 3 to £500-£999 per child is not verified.',
  },
  troubled_families_2012: {
    title: 'New money or old for so-called troubled families',
    publisher: 'TenantAdvisor (reporting DCLG programme terms)',
    year: '2012',
    url: 'http://tenantadvisor.net/?blog=new-money-or-old-for-so-called-troubled-families',
    note: 'Intensive family intervention about £10,000 per family (2012 cash); payment by results up to £4,000 per family from government. A proxy for edge-of-care and early-help keywork.',
  },
  social_worker_hour_2014: {
    title: 'New Economy Unit Cost Database entry (PSSRU-derived), via Global Value Exchange',
    publisher: 'Global Value Exchange / New Economy (PSSRU)',
    year: '2015',
    url: 'http://www.globalvaluexchange.org/valuations/584580a11c584a1f40e4382b',
    note: 'Children’s services social worker £40 per hour (£55 per hour of client-related work), 2013-14, including on-costs, overheads and capital.',
  },
  cc_camhs_2017: {
    title: 'Briefing: Children’s Mental Healthcare in England',
    publisher: 'Children’s Commissioner for England (via BASW)',
    year: '2017',
    url: 'https://www.basw.co.uk/resources/briefing-children%E2%80%99s-mental-healthcare-england',
    note: 'Average cost of a community CAMHS referral £2,338 (c.2016-17); inpatient admission £61,000.',
  },
  moj_yoi_cost_2024: {
    title: 'Prisons cost £4.2 billion in 2022/23 (on the MoJ costs per place and costs per prisoner release of 21 March 2024)',
    publisher: 'Russell Webster (reporting Ministry of Justice)',
    year: '2024',
    url: 'https://www.russellwebster.com/how-much-does-prison-cost/',
    note: 'Cost per place 2022-23: male young offender institutions £82,566; male open prisons £22,205.',
  },
  moj_prisoner_cost_2024: {
    title: 'Expense of incarcerating prisoners exceeds tuition fees at Eton College (reporting MoJ data)',
    publisher: 'National Solicitors Network (reporting Ministry of Justice)',
    year: '2024',
    url: 'https://nationalsolicitors.com/the-johnson-partnership-nottinghamshire/latest-news/expense-of-incarcerating-prisoners-exceeds-tuition-fees-at-eton-college',
    note: 'Average cost of a prisoner in England and Wales £51,724 a year in 2022-23.',
  },
  crisis_homelessness_2016: {
    title: 'The Costs of Homelessness (Pleace; slides from the ‘Better than cure?’ study)',
    publisher: 'University of York / Crisis (slides)',
    year: '2016',
    url: 'https://slideplayer.com./slide/14649805',
    note: 'Long-term homeless adults (n=86), public spending per person per 90 days £8,630 (c.2015-16): homeless services £3,702, criminal justice £2,998, NHS £1,075, mental health £525, drug and alcohol £330.',
  },
  cpag_universal_credit_2024: {
    title: 'Universal credit rates 2024/25',
    publisher: 'Child Poverty Action Group',
    year: '2024',
    url: 'https://askcpag.org.uk/?id=-260265',
    note: 'Standard allowance, single claimant under 25: £311.68 a month in 2024-25.',
  },
  pupil_premium_plus_2024: {
    title: 'Pupil premium plus (PP+)',
    publisher: 'West Northamptonshire Council virtual school (setting out the DfE grant conditions)',
    year: '2024',
    url: 'https://westnorthants.gov.uk/virtual-school/pupil-premium-plus-pp',
    note: 'Pupil premium plus for 2024-25: £2,570 per child looked after aged 4 to 15 (reception to year 11), managed by the virtual school head.',
  },
  ons_gdp_deflator_2025: {
    title: DEFLATOR_SERIES,
    publisher: 'Office for National Statistics',
    year: '2025',
    url: DEFLATOR_URL,
    note: 'Financial-year index = mean of the April-March quarters (the values used are listed by the model builder).',
  },
  hmt_green_book_deflator: {
    title: 'The Green Book (paras 5.11-5.13, mirrored)',
    publisher: 'HM Treasury (mirror: ppponline.affinitext.com)',
    url: 'https://ppponline.affinitext.com/public/book?id=5905&toc_id=875605',
    note: 'Use real base-year prices; remove general inflation with the GDP deflator.',
  },
  hmt_green_book_discounting: {
    title: 'Review of discounting in the Green Book: Terms of Reference',
    publisher: 'HM Treasury',
    year: '2025',
    url: 'https://www.gov.uk/government/publications/green-book-discount-rate-review-2026/review-of-discounting-in-the-green-book-terms-of-reference',
    note: 'Social time preference rate 3.5% real for years 0-30, 3.0% for years 31-75, 2.5% after. A 2026 review is under way.',
  },

  // ----- Assumptions -------------------------------------------------------------------------
  assumption_rate_calibration: {
    title: 'Monthly transition rates set to reproduce published national aggregates',
    publisher: 'pathcast assumption',
    year: '2026',
    note:
      'No published source gives monthly transition probabilities between these states. They were set by hand so that the chain, propagated exactly from birth, reproduces the national figures cited in transitionSources: about 70 looked after per 10,000 children, the DfE 2024 shares of children looked after by age band (under 1 5%, 10-15 38%, 16 and over 27%) and placement type (foster 67%, placed with parents 6%, placed for adoption about 3%; dfe_cla_2024_shares, since model 1.2.0), children’s homes about a tenth of placements, 40% of 16-17-year-olds in supported accommodation, exits by return home, special guardianship and adoption in the published shares, about 55-60% staying put at 18 and a quarter at 19-20, about 40% of care leavers aged 19-21 NEET. The edge-of-care and child-in-need rows are the least certain: they are judged, not measured. Local models calibrated from SSDA903 returns should replace them.',
  },
  assumption_social_work_time: {
    title: 'Social worker time per child, from caseloads',
    publisher: 'pathcast assumption',
    year: '2026',
    note:
      'A full-time social worker (about 37 hours a week) with a caseload of 15-20 children gives about 2 hours a week per child, overheads included; more for children on the edge of care (about 3 hours), about 2.3 hours for children looked after outside in-house foster care (whose PSSRU cost already includes social work). Hours are priced at the PSSRU-derived £40 an hour in 2013-14 (social_worker_hour_2014), uprated.',
  },
  assumption_low_cost_placements: {
    title: 'Placed for adoption and placed with parents: social work time, no placement fee',
    publisher: 'pathcast assumption',
    year: '2026',
    note:
      'A child placed for adoption (SSDA903 A3-A6) lives with prospective adopters, who receive no fostering allowance (adoption allowances are means-tested, rare and paid after the order); a child placed with parents (P1) lives at home under a care order. Neither placement has a fee: the authority pays the looked-after child’s social work time (2.3 hours a week, assumption_social_work_time, priced from the PSSRU unit cost of a social worker hour, social_worker_hour_2014), health (CAMHS) and the virtual school’s pupil premium plus. Both therefore cost a small fraction of foster care (about £140 a week of social work against £500-£1,100 a week for a foster placement). The adoption itself is charged as the inter-agency fee event on the adoption order.',
  },
  assumption_other_placement: {
    title: 'Other placements (SSDA903 Z1, Z11-Z14): cost of an unknown kind of provision',
    publisher: 'pathcast assumption',
    year: '2026',
    note:
      'The code says only that the placement is none of the listed kinds; the published statistics group it with other residential and community settings. Priced as a supported accommodation placement (the one authority average, lincolnshire_supported_2023) with a range from 40% of it (community settings) to the weekly cost of a children’s home place (nao_residential_2025): the authority’s actual prices, where recorded, should replace it.',
  },
  assumption_personal_adviser: {
    title: 'Personal adviser time for care leavers',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'About 1.2 hours a week per care leaver (a caseload of roughly 25-30), priced at the social worker hourly cost (social_worker_hour_2014), uprated; personal advisers are often paid less than social workers, so this leans high.',
  },
  assumption_camhs_use: {
    title: 'Community CAMHS referrals per year by placement type',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'Children in residential and secure care are assumed to have about one community CAMHS referral every two years (range one in four years to one a year); other looked-after children and children on the edge of care about 0.15 a year. Priced at the Children’s Commissioner’s £2,338 per referral (cc_camhs_2017), uprated.',
  },
  assumption_event_time: {
    title: 'Social worker time for entering care and for a placement move',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'Entering care: about 40 hours (25-80) of assessment, planning, legal and placement-finding work; a placement move: about 15 hours (8-30) of matching, transport and review. Priced at £40 an hour in 2013-14 (social_worker_hour_2014), uprated. Court and legal fees are not included.',
  },
  assumption_sgo_allowance: {
    title: 'Special guardianship allowance',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'Allowances are discretionary and means-tested but guided by fostering minimum allowances (kinship_sgo_allowance). Assumed most special guardians receive one at about 80% of the minimum allowance on average (range 40-100%), using the 16-17 rate of £194 a week in 2019-20 (foster_minimum_allowance_2019), uprated.',
  },
  assumption_early_help: {
    title: 'Cost of early help keywork',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'Early help keywork is assumed to cost about 40% of an intensive family intervention: the share the Troubled Families programme paid by results (£4,000 of about £10,000 per family, troubled_families_2012), uprated from 2012-13.',
  },
  assumption_fgc: {
    title: 'Family group conference: cost and effect',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'No cost was found in the reference sources. Assumed about 30 hours (20-50) of coordinator and meeting time at the social worker hourly cost (social_worker_hour_2014). Effect assumed modest and uncertain: entries to non-kinship care × 0.85 (0.6-1.05), kinship placements × 1.3 (1.0-1.8) for a year, reflecting that conferences aim to find family carers.',
  },
  assumption_therapeutic_step_down: {
    title: 'Therapeutic support for step-down from residential care: cost and effect',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'The reference sources record no unit cost for therapeutic support or mentoring for looked-after children. Assumed £400 a week (£250-£700) for 12 months of therapeutic support to the child and the receiving foster carers. Effect: moves from residential to foster care × 1.8 (1.2-3.0) and breakdowns from foster care back to residential × 0.75 (0.5-1.0) for 18 months. Judgement, not evidence: replace with local evaluation figures.',
  },
  assumption_guardian_mentor: {
    title: 'Guardian mentor for care leavers: cost and effect',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'No published cost found. Assumed £50 a week (£30-£90) for 12 months of a paid or volunteer-coordinated mentor. Effect for 18 months: losing education, employment or training × 0.9 (0.7-1.05), regaining it × 1.15 (0.95-1.4), becoming homeless × 0.85 (0.6-1.05). Modest by design.',
  },
  assumption_staying_put_support: {
    title: 'Enhanced staying put support: cost and effect',
    publisher: 'pathcast assumption',
    year: '2026',
    note: 'Extra support to former foster carers (top-up allowance, supervising social work) assumed at £75 a week (£40-£150) for up to 24 months. Effect: staying put arrangements end early × 0.7 (0.5-0.9). The staying put grant per placement (staying_put_grant_2014) shows the scale of central funding.',
  },
};
